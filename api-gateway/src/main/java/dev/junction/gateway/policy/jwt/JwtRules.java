package dev.junction.gateway.policy.jwt;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;

/**
 * What a token must satisfy for one API or operation, beyond its issuer's own checks: the issuer is
 * one the API trusts, {@code aud} holds one of the audiences, and the required claims are there.
 * Checked on every request, also for a token answered from the {@code VerifiedTokenCache}, which
 * only remembers that a token passed its issuer's checks.
 *
 * @param trusted the trusted issuers by their {@code iss}
 * @param audiences the API's audiences; empty means each issuer's own
 * @param requiredClaims the API's required claims, checked after the issuer's
 */
public record JwtRules(
    Map<String, TrustedIssuer> trusted,
    List<String> audiences,
    List<RequiredClaim> requiredClaims) {

  public JwtRules {
    trusted = Map.copyOf(trusted);
    audiences = List.copyOf(audiences);
    requiredClaims = List.copyOf(requiredClaims);
  }

  /** Whether tokens of {@code issuer} may call here at all. */
  public boolean trusts(TrustedIssuer issuer) {
    return trusted.get(issuer.issuer()) == issuer;
  }

  /**
   * The token, if it meets these rules.
   *
   * @throws BadJwtException saying which rule it breaks
   */
  public Jwt check(Jwt jwt) {
    TrustedIssuer issuer = trusted.get(jwt.getClaimAsString(JwtClaimNames.ISS));
    if (issuer == null) {
      throw new BadJwtException(TokenVerifier.UNTRUSTED_HERE);
    }
    List<String> wanted = audiences.isEmpty() ? issuer.audiences() : audiences;
    if (!wanted.isEmpty()) {
      List<String> audience = jwt.getAudience();
      if (audience == null || Collections.disjoint(audience, wanted)) {
        throw new BadJwtException("the token's audience (aud) is not accepted here");
      }
    }
    for (RequiredClaim claim : issuer.requiredClaims()) {
      fail(claim.violation(jwt));
    }
    for (RequiredClaim claim : requiredClaims) {
      fail(claim.violation(jwt));
    }
    return jwt;
  }

  private static void fail(String violation) {
    if (violation != null) {
      throw new BadJwtException(violation);
    }
  }
}
