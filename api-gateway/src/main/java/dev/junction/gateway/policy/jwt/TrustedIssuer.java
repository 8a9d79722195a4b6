package dev.junction.gateway.policy.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.source.JWKSecurityContextJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWKSecurityContext;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import reactor.core.publisher.Mono;

/**
 * One issuer the gateway trusts, and what its tokens must satisfy whatever the API: an allowed
 * signature algorithm, a signature by one of its keys, the configured {@code typ}, and {@code exp}
 * (required), {@code nbf} and {@code iat} within the clock skew. Audiences and required claims are
 * checked per request by {@link JwtRules}, since an API may set its own.
 *
 * @see JwksCache where the keys come from
 */
public final class TrustedIssuer {

  private final String name;
  private final String issuer;
  private final Set<JWSAlgorithm> algorithms;
  private final String type;
  private final List<String> audiences;
  private final List<RequiredClaim> requiredClaims;
  private final JwksCache keys;
  private final DefaultJWTProcessor<JWKSecurityContext> processor = new DefaultJWTProcessor<>();
  private final OAuth2TokenValidator<Jwt> times;
  private final Converter<Map<String, Object>, Map<String, Object>> claimTypes =
      MappedJwtClaimSetConverter.withDefaults(Collections.emptyMap());

  /**
   * @param name the name APIs refer to it by
   * @param issuer its exact {@code iss}
   * @param algorithms the signature algorithms accepted
   * @param clockSkew tolerance on the token's times
   * @param type the required {@code typ}, or {@code null} for any
   * @param audiences its audiences (one must be in {@code aud}); empty for no check
   * @param requiredClaims claims each of its tokens must carry
   * @param keys its signing keys
   * @param clock time source
   */
  public TrustedIssuer(
      String name,
      String issuer,
      Set<JWSAlgorithm> algorithms,
      Duration clockSkew,
      String type,
      List<String> audiences,
      List<RequiredClaim> requiredClaims,
      JwksCache keys,
      Clock clock) {
    this.name = name;
    this.issuer = issuer;
    this.algorithms = Set.copyOf(algorithms);
    this.type = type == null || type.isBlank() ? null : type;
    this.audiences = List.copyOf(audiences);
    this.requiredClaims = List.copyOf(requiredClaims);
    this.keys = keys;
    // keys come only from this issuer's JWKS, never from the token's jku, x5u, jwk or x5c
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(this.algorithms, new JWKSecurityContextJWKSet()));
    // typ and claims are checked below, with messages that say what is wrong
    processor.setJWSTypeVerifier((typ, context) -> {});
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    JwtTimestampValidator timestamps = new JwtTimestampValidator(clockSkew);
    timestamps.setAllowEmptyExpiryClaim(false);
    timestamps.setClock(clock);
    this.times = timestamps;
  }

  public String name() {
    return name;
  }

  public String issuer() {
    return issuer;
  }

  public List<String> audiences() {
    return audiences;
  }

  public List<RequiredClaim> requiredClaims() {
    return requiredClaims;
  }

  /**
   * Verifies a token whose {@code iss} is this issuer's: algorithm, {@code typ}, signature, times.
   * Fails with a {@link BadJwtException} saying why.
   */
  public Mono<Jwt> verify(SignedJWT token) {
    JWSAlgorithm algorithm = token.getHeader().getAlgorithm();
    if (!algorithms.contains(algorithm)) {
      return Mono.error(
          new BadJwtException(
              "the token's algorithm "
                  + Descriptions.safe(algorithm.getName())
                  + " is not allowed for issuer "
                  + name));
    }
    if (type != null && !sameType(type, token.getHeader().getType())) {
      return Mono.error(new BadJwtException("the token's typ must be " + type));
    }
    return keys.keys(JWKMatcher.forJWSHeader(token.getHeader()))
        .map(
            candidates -> {
              if (candidates.isEmpty()) {
                throw new BadJwtException(
                    "no signing key of issuer " + name + " matches the token's kid");
              }
              return validate(token, claims(token, new JWKSecurityContext(candidates)));
            });
  }

  private JWTClaimsSet claims(SignedJWT token, JWKSecurityContext candidates) {
    try {
      return processor.process(token, candidates);
    } catch (BadJOSEException e) {
      throw new BadJwtException("the token's signature is not valid", e);
    } catch (JOSEException e) {
      throw new BadJwtException("the token's signature cannot be checked: " + e.getMessage(), e);
    }
  }

  private Jwt validate(SignedJWT token, JWTClaimsSet claims) {
    Map<String, Object> headers = new LinkedHashMap<>(token.getHeader().toJSONObject());
    Map<String, Object> converted = claimTypes.convert(claims.getClaims());
    Jwt jwt;
    try {
      jwt =
          new Jwt(
              token.getParsedString(),
              (Instant) converted.get(JwtClaimNames.IAT),
              (Instant) converted.get(JwtClaimNames.EXP),
              headers,
              converted);
    } catch (IllegalArgumentException e) {
      // Spring's Jwt refuses an exp that is not after iat
      throw new BadJwtException("the token's times are inconsistent (exp before iat)", e);
    }
    OAuth2TokenValidatorResult result = times.validate(jwt);
    if (result.hasErrors()) {
      throw new BadJwtException(result.getErrors().iterator().next().getDescription());
    }
    return jwt;
  }

  /** RFC 7515 4.1.9: media types compare without case, and {@code application/} may be left out. */
  static boolean sameType(String expected, JOSEObjectType actual) {
    if (actual == null) {
      return false;
    }
    String value = actual.getType().toLowerCase(Locale.ROOT);
    String wanted = expected.toLowerCase(Locale.ROOT);
    return value.equals(wanted)
        || value.equals("application/" + wanted)
        || ("application/" + value).equals(wanted);
  }

  @Override
  public String toString() {
    return "TrustedIssuer[" + name + ", " + issuer + "]";
  }
}
