package dev.junction.gateway.policy.jwt;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The issuers whose access tokens the gateway accepts ({@code junction.gateway.jwt.*}). The issuer
 * of Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.*} properties, when set, is one
 * more, named {@value TrustedIssuers#LEGACY_NAME}.
 *
 * @param issuers trusted issuers by name (the name APIs use in {@code policies.jwt.issuers})
 * @param defaultIssuers the issuers trusted where an API names none; empty means every issuer
 * @param jwks how keys fetched over the network are cached
 */
@Validated
@ConfigurationProperties("junction.gateway.jwt")
public record JwtProperties(
    Map<String, @Valid Issuer> issuers,
    List<String> defaultIssuers,
    @DefaultValue @Valid Jwks jwks) {

  public JwtProperties {
    issuers = issuers == null ? Map.of() : Map.copyOf(issuers);
    defaultIssuers = defaultIssuers == null ? List.of() : List.copyOf(defaultIssuers);
  }

  /**
   * One trusted issuer. Its keys come from exactly one place: {@code jwk-set-file}, else {@code
   * jwk-set-uri}, else OIDC discovery at {@code issuer-uri}.
   *
   * @param issuerUri the exact {@code iss} of its tokens; also where discovery looks ({@code
   *     /.well-known/openid-configuration}, then RFC 8414's {@code oauth-authorization-server})
   * @param jwkSetUri its JWKS URL, when discovery is not wanted
   * @param jwkSetFile a JWKS (or a single JWK) file, for sites without access to the issuer; read
   *     at start-up and again when an unknown key id shows up and the file changed
   * @param audiences one of these must be in {@code aud}, unless the API names its own; empty means
   *     {@code aud} is not checked
   * @param algorithms the signature algorithms accepted (RSA, EC or EdDSA ones; never HS* or none)
   * @param clockSkew tolerance on {@code exp}, {@code nbf} and {@code iat}
   * @param type the required {@code typ} header, e.g. {@code at+jwt} (RFC 9068); empty means any
   * @param requiredClaims claims every token must carry: name to accepted values (any one of them),
   *     {@code *} for "present with any value"
   */
  public record Issuer(
      String issuerUri,
      URI jwkSetUri,
      Path jwkSetFile,
      List<String> audiences,
      List<String> algorithms,
      Duration clockSkew,
      String type,
      Map<String, List<String>> requiredClaims) {

    public Issuer {
      audiences = audiences == null ? List.of() : List.copyOf(audiences);
      algorithms = algorithms == null || algorithms.isEmpty() ? List.of("RS256") : algorithms;
      clockSkew = clockSkew == null ? Duration.ofSeconds(60) : clockSkew;
      requiredClaims = requiredClaims == null ? Map.of() : Map.copyOf(requiredClaims);
    }
  }

  /**
   * @param refreshInterval how long fetched keys are used before they are fetched again
   * @param minRefetchInterval a token naming an unknown key id ({@code kid}) makes the gateway
   *     fetch the keys again at once (key rotation), but at most this often per issuer
   * @param timeout how long a discovery or JWKS request may take
   */
  public record Jwks(
      @DefaultValue("5m") @NotNull Duration refreshInterval,
      @DefaultValue("30s") @NotNull Duration minRefetchInterval,
      @DefaultValue("5s") @NotNull Duration timeout) {}
}
