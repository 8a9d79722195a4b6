package dev.junction.gateway.policy.jwt;

import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.security.VerifiedTokenCache;
import java.text.ParseException;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import reactor.core.publisher.Mono;

/**
 * Verifies bearer tokens against the issuer their {@code iss} names, then against an API's {@link
 * JwtRules}. A token of an issuer the gateway or the API does not trust is refused before anything
 * is fetched; an unsigned ({@code alg: none}) or encrypted token is refused outright. When an
 * issuer's keys cannot be fetched (and none are known), the answer is {@code 502 bad-gateway}: the
 * token may well be good.
 */
public final class TokenVerifier {

  static final String UNTRUSTED = "the token's issuer (iss) is not trusted by this gateway";
  static final String UNTRUSTED_HERE = "the token's issuer (iss) is not trusted for this API";

  private final TrustedIssuers issuers;
  private final VerifiedTokenCache cache;

  /**
   * @param issuers the trusted issuers
   * @param cache remembers the tokens that passed their issuer's checks
   */
  public TokenVerifier(TrustedIssuers issuers, VerifiedTokenCache cache) {
    this.issuers = issuers;
    this.cache = cache;
  }

  /**
   * The verified token, or a {@link BadJwtException} saying why it is refused.
   *
   * @param token the compact token
   * @param rules what the API or operation requires
   */
  public Mono<Jwt> verify(String token, JwtRules rules) {
    return cache
        .decode(token, () -> verifyByIssuer(token, rules))
        .map(rules::check)
        .onErrorMap(
            JwksCache.KeysUnavailableException.class,
            e -> new ProblemException(ProblemType.BAD_GATEWAY.with(e.getMessage())));
  }

  /**
   * The token if it passed its issuer's checks before and has not expired since, else {@code null}:
   * never verifies anything itself. The API's {@link JwtRules} are still the caller's to check.
   */
  public Jwt remembered(String token) {
    return cache.remembered(token);
  }

  private Mono<Jwt> verifyByIssuer(String token, JwtRules rules) {
    SignedJWT signed;
    String iss;
    try {
      JWT parsed = JWTParser.parse(token);
      if (parsed instanceof PlainJWT) {
        return Mono.error(new BadJwtException("unsigned tokens (alg none) are not accepted"));
      }
      if (parsed instanceof EncryptedJWT || !(parsed instanceof SignedJWT jws)) {
        return Mono.error(new BadJwtException("encrypted tokens are not accepted"));
      }
      signed = jws;
      iss = signed.getJWTClaimsSet().getIssuer();
    } catch (ParseException e) {
      return Mono.error(new BadJwtException("the bearer token is not a well-formed JWT", e));
    }
    if (iss == null) {
      return Mono.error(new BadJwtException("the token has no issuer (iss)"));
    }
    TrustedIssuer issuer = issuers.byIssuer(iss);
    if (issuer == null) {
      return Mono.error(new BadJwtException(UNTRUSTED));
    }
    if (!rules.trusts(issuer)) {
      return Mono.error(new BadJwtException(UNTRUSTED_HERE));
    }
    return issuer.verify(signed);
  }
}
