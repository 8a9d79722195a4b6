package dev.junction.gateway.policy.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import dev.junction.gateway.catalog.JwtPolicy;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The issuers the gateway trusts, found by the {@code iss} of a token, and the {@link JwtRules} of
 * each API's {@code policies.jwt}. Built once at start-up; a configuration mistake stops start-up
 * with a message naming the property.
 */
public final class TrustedIssuers {

  /** Name of the issuer set with Spring Boot's {@code spring.security.oauth2.resourceserver.*}. */
  public static final String LEGACY_NAME = "default";

  private static final String PREFIX = "junction.gateway.jwt.issuers.";
  private static final String LEGACY_PREFIX = "spring.security.oauth2.resourceserver.jwt.";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_.:/-]{1,64}");

  private final Map<String, TrustedIssuer> byName;
  private final Map<String, TrustedIssuer> byIssuer = new LinkedHashMap<>();
  private final List<String> defaults;

  /**
   * @param issuers the issuers by name
   * @param defaults names of the issuers trusted where an API names none; empty for all
   */
  public TrustedIssuers(Map<String, TrustedIssuer> issuers, List<String> defaults) {
    this.byName = Map.copyOf(issuers);
    for (TrustedIssuer issuer : new TreeMap<>(issuers).values()) {
      TrustedIssuer other = byIssuer.putIfAbsent(issuer.issuer(), issuer);
      if (other != null) {
        throw new IllegalStateException(
            "issuers %s and %s have the same issuer-uri %s: a token's iss must name one issuer"
                .formatted(other.name(), issuer.name(), issuer.issuer()));
      }
    }
    for (String name : defaults) {
      if (!issuers.containsKey(name)) {
        throw new IllegalStateException(
            "junction.gateway.jwt.default-issuers names '%s', which is not among the issuers %s"
                .formatted(name, new TreeMap<>(issuers).keySet()));
      }
    }
    this.defaults = defaults.isEmpty() ? List.copyOf(new TreeMap<>(issuers).keySet()) : defaults;
  }

  /** The issuer whose tokens carry this {@code iss}, or {@code null}. */
  public TrustedIssuer byIssuer(String iss) {
    return byIssuer.get(iss);
  }

  /** The first issuer trusted by default: the one the portal gets tokens from and checks. */
  public TrustedIssuer primary() {
    return byName.get(defaults.getFirst());
  }

  /** Every issuer's name. */
  public Set<String> names() {
    return byName.keySet();
  }

  /**
   * What a token must satisfy under {@code policy} (its unset keys take the gateway's defaults).
   */
  public JwtRules rules(JwtPolicy policy) {
    Map<String, TrustedIssuer> trusted = new LinkedHashMap<>();
    for (String name : policy.issuers().isEmpty() ? defaults : policy.issuers()) {
      TrustedIssuer issuer = byName.get(name);
      if (issuer == null) {
        // the catalog loader refuses unknown names; this only guards a catalog read without them
        throw new IllegalArgumentException("no trusted issuer is named " + name);
      }
      trusted.put(issuer.issuer(), issuer);
    }
    return new JwtRules(trusted, policy.audiences(), RequiredClaim.of(policy.requiredClaims()));
  }

  /**
   * The issuers of the configuration: {@code junction.gateway.jwt.issuers.*}, plus the one of
   * Spring Boot's resource-server properties (named {@value #LEGACY_NAME}) when its {@code
   * issuer-uri} is set.
   */
  public static TrustedIssuers from(
      JwtProperties properties,
      OAuth2ResourceServerProperties.Jwt legacy,
      WebClient http,
      Clock clock) {
    Map<String, JwtProperties.Issuer> configured = new LinkedHashMap<>(properties.issuers());
    JwtProperties.Issuer fromBoot = legacy(legacy);
    if (fromBoot != null) {
      configured.putIfAbsent(LEGACY_NAME, fromBoot);
    }
    if (configured.isEmpty()) {
      throw new IllegalStateException(
          "no trusted issuer is configured: set junction.gateway.jwt.issuers.<name>.issuer-uri"
              + " (or spring.security.oauth2.resourceserver.jwt.issuer-uri)");
    }
    Map<String, TrustedIssuer> issuers = new LinkedHashMap<>();
    configured.forEach(
        (name, issuer) ->
            issuers.put(
                name,
                issuer(
                    name,
                    issuer,
                    name.equals(LEGACY_NAME) && issuer == fromBoot ? LEGACY_PREFIX : PREFIX + name,
                    properties.jwks(),
                    http,
                    clock)));
    return new TrustedIssuers(issuers, properties.defaultIssuers());
  }

  /** The issuer of Boot's properties, or {@code null} when they name none. */
  static JwtProperties.Issuer legacy(OAuth2ResourceServerProperties.Jwt jwt) {
    if (jwt.getPublicKeyLocation() != null) {
      throw new IllegalStateException(
          LEGACY_PREFIX
              + "public-key-location is not supported: put the key in a JWKS file and set"
              + " junction.gateway.jwt.issuers.<name>.jwk-set-file");
    }
    if (jwt.getIssuerUri() == null || jwt.getIssuerUri().isBlank()) {
      if (jwt.getJwkSetUri() != null && !jwt.getJwkSetUri().isBlank()) {
        throw new IllegalStateException(
            LEGACY_PREFIX
                + "jwk-set-uri is set without issuer-uri: the gateway picks the issuer of a"
                + " token by its iss, so set issuer-uri too");
      }
      return null;
    }
    return new JwtProperties.Issuer(
        jwt.getIssuerUri(),
        jwt.getJwkSetUri() == null || jwt.getJwkSetUri().isBlank()
            ? null
            : URI.create(jwt.getJwkSetUri()),
        null,
        jwt.getAudiences(),
        jwt.getJwsAlgorithms(),
        null,
        null,
        null);
  }

  private static TrustedIssuer issuer(
      String name,
      JwtProperties.Issuer issuer,
      String property,
      JwtProperties.Jwks jwks,
      WebClient http,
      Clock clock) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalStateException(
          property + ": an issuer's name may hold letters, digits, '.', '_' and '-'");
    }
    if (issuer.issuerUri() == null || issuer.issuerUri().isBlank()) {
      throw new IllegalStateException(property + ".issuer-uri: is required (the tokens' iss)");
    }
    if (issuer.jwkSetUri() != null && issuer.jwkSetFile() != null) {
      throw new IllegalStateException(
          property + ": set jwk-set-uri or jwk-set-file, not both (neither: OIDC discovery)");
    }
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    for (String value : issuer.algorithms()) {
      JWSAlgorithm algorithm = JWSAlgorithm.parse(value.trim());
      if (!JWSAlgorithm.Family.SIGNATURE.contains(algorithm)) {
        throw new IllegalStateException(
            property
                + ".algorithms: '"
                + value
                + "' is not an asymmetric signature algorithm (RS*, PS*, ES*, EdDSA); HS* and"
                + " none are never accepted");
      }
      algorithms.add(algorithm);
    }
    List<RequiredClaim> claims = new ArrayList<>();
    issuer
        .requiredClaims()
        .forEach(
            (claim, values) -> {
              if (!CLAIM.matcher(claim).matches()) {
                throw new IllegalStateException(
                    property + ".required-claims: '" + claim + "' is not a claim name");
              }
              claims.add(new RequiredClaim(claim, values == null ? List.of() : values));
            });
    Supplier<Mono<JWKSet>> source;
    try {
      source =
          issuer.jwkSetFile() != null
              ? JwksSources.file(issuer.jwkSetFile())
              : issuer.jwkSetUri() != null
                  ? JwksSources.uri(http, issuer.jwkSetUri(), jwks.timeout())
                  : JwksSources.discovery(http, issuer.issuerUri(), jwks.timeout());
    } catch (RuntimeException e) {
      throw new IllegalStateException(property + ".jwk-set-file: " + e.getMessage(), e);
    }
    return new TrustedIssuer(
        name,
        issuer.issuerUri(),
        algorithms,
        issuer.clockSkew(),
        issuer.type(),
        issuer.audiences(),
        claims,
        new JwksCache(name, source, jwks.refreshInterval(), jwks.minRefetchInterval(), clock),
        clock);
  }
}
