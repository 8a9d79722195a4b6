package dev.junction.gateway.policy.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.gateway.Fixtures;
import dev.junction.gateway.catalog.JwtPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.web.reactive.function.client.WebClient;

/** The trusted issuers built from the configuration, and its mistakes refused at start-up. */
class TrustedIssuersTest {

  private static final JwtProperties.Jwks JWKS =
      new JwtProperties.Jwks(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(5));
  private static final Path STATIC_KEY =
      Fixtures.file("jose/rfc7520-cookbook/jwk/3_3.rsa_public_key.json");

  private static JwtProperties.Issuer issuer(String iss, URI uri, Path file, String... algorithms) {
    return new JwtProperties.Issuer(
        iss, uri, file, List.of("api"), List.of(algorithms), null, null, null);
  }

  private static TrustedIssuers build(
      Map<String, JwtProperties.Issuer> issuers,
      List<String> defaults,
      OAuth2ResourceServerProperties.Jwt legacy) {
    return TrustedIssuers.from(
        new JwtProperties(issuers, defaults, JWKS), legacy, WebClient.create(), Clock.systemUTC());
  }

  private static OAuth2ResourceServerProperties.Jwt noLegacy() {
    return new OAuth2ResourceServerProperties().getJwt();
  }

  @Test
  void keepsTodaysSingleIssuerConfigurationAsTheIssuerNamedDefault() {
    OAuth2ResourceServerProperties.Jwt legacy = noLegacy();
    legacy.setIssuerUri("http://127.0.0.1:9000");
    legacy.setJwkSetUri("http://127.0.0.1:9000/oauth2/jwks");
    legacy.setAudiences(List.of("junction-gateway"));

    TrustedIssuers issuers =
        build(Map.of("files", issuer("https://air.example", null, STATIC_KEY)), List.of(), legacy);

    assertThat(issuers.names()).containsExactlyInAnyOrder("default", "files");
    TrustedIssuer fromBoot = issuers.byIssuer("http://127.0.0.1:9000");
    assertThat(fromBoot.name()).isEqualTo("default");
    assertThat(fromBoot.audiences()).containsExactly("junction-gateway");
    assertThat(issuers.rules(JwtPolicy.DEFAULTS).trusted()).hasSize(2);
  }

  @Test
  void defaultIssuersLimitWhatAnApiWithoutItsOwnListTrusts() {
    TrustedIssuers issuers =
        build(
            Map.of(
                "a", issuer("https://a.example", null, STATIC_KEY),
                "b", issuer("https://b.example", URI.create("https://b.example/jwks"), null)),
            List.of("b"),
            noLegacy());

    assertThat(issuers.rules(JwtPolicy.DEFAULTS).trusted()).containsOnlyKeys("https://b.example");
    assertThat(issuers.rules(new JwtPolicy(List.of("a"), List.of(), Map.of())).trusted().keySet())
        .containsExactly("https://a.example");
  }

  @Test
  void refusesMistakesAtStartUp() {
    assertThatThrownBy(
            () ->
                build(
                    Map.of("x", issuer("https://x.example", null, STATIC_KEY, "HS256")),
                    List.of(),
                    noLegacy()))
        .hasMessageContaining("junction.gateway.jwt.issuers.x.algorithms: 'HS256'");
    assertThatThrownBy(
            () ->
                build(
                    Map.of(
                        "x",
                        issuer(
                            "https://x.example", URI.create("https://x.example/jwks"), STATIC_KEY)),
                    List.of(),
                    noLegacy()))
        .hasMessageContaining("not both");
    assertThatThrownBy(
            () ->
                build(
                    Map.of(
                        "x", issuer("https://same.example", null, STATIC_KEY),
                        "y", issuer("https://same.example", null, STATIC_KEY)),
                    List.of(),
                    noLegacy()))
        .hasMessageContaining("same issuer-uri");
    assertThatThrownBy(
            () ->
                build(
                    Map.of("x", issuer("https://x.example", null, Path.of("missing.json"))),
                    List.of(),
                    noLegacy()))
        .hasMessageContaining("jwk-set-file");
    assertThatThrownBy(
            () ->
                build(
                    Map.of("x", issuer("https://x.example", null, STATIC_KEY)),
                    List.of("y"),
                    noLegacy()))
        .hasMessageContaining("default-issuers names 'y'");
    assertThatThrownBy(() -> build(Map.of(), List.of(), noLegacy()))
        .hasMessageContaining("no trusted issuer is configured");
    OAuth2ResourceServerProperties.Jwt keysOnly = noLegacy();
    keysOnly.setJwkSetUri("http://127.0.0.1:9000/oauth2/jwks");
    assertThatThrownBy(() -> build(Map.of(), List.of(), keysOnly))
        .hasMessageContaining("jwk-set-uri is set without issuer-uri");
  }
}
