package dev.junction.gateway.portal;

import dev.junction.gateway.GatewayProperties;
import dev.junction.gateway.JunctionProperties;
import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.policy.jwt.TrustedIssuers;
import dev.junction.gateway.reply.ReplyConsumerHealthIndicator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The developer portal at {@code /portal}: static pages built into the jar ({@code
 * classpath:portal/}), Swagger UI from its WebJar, and three small JSON endpoints. The pages are
 * public; their data calls carry the visitor's token (see {@code SecurityConfiguration}).
 *
 * <ul>
 *   <li>{@code GET /portal/api/catalog}: {@link PortalCatalog} of the current catalog.
 *   <li>{@code GET /portal/api/status}: {@link PortalStatus}.
 *   <li>{@code POST /portal/api/token}: the form is passed to the issuer's token endpoint and its
 *       answer back, so the browser gets a token without a cross-origin call.
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "junction.gateway.portal.enabled", matchIfMissing = true)
public class PortalConfiguration {

  /** Paths anyone may load: the pages, their assets and the token form. */
  public static final String[] PUBLIC_PATHS = {
    "/portal", "/portal/", "/portal/index.html", "/portal/assets/**", "/portal/webjars/**"
  };

  public static final String TOKEN_PATH = "/portal/api/token";

  private static final Duration DISCOVERY_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration DISCOVERY_TTL = Duration.ofHours(1);

  private static final String SWAGGER_UI = "swagger-ui";

  @Bean
  PortalStatus portalStatus(
      GatewayProperties gateway,
      JunctionProperties junction,
      PortalProperties portal,
      OAuth2ResourceServerProperties oauth2,
      TrustedIssuers issuers,
      ApplicationAvailability availability,
      ReplyConsumerHealthIndicator replyConsumer) {
    return new PortalStatus(
        WebClient.create(),
        () ->
            availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC
                ? replyConsumer.health()
                : Health.outOfService().build(),
        gateway.orchestratorUrl().resolve("/actuator/health"),
        issuerProbe(oauth2, issuers),
        URI.create(junction.registry().url() + "/system/info"),
        portal.statusTimeout());
  }

  @Bean
  RouterFunction<ServerResponse> portalRoutes(
      ApiCatalogService catalog,
      PortalStatus status,
      PortalProperties portal,
      OAuth2ResourceServerProperties oauth2,
      TrustedIssuers issuers) {
    ClassPathResource index = new ClassPathResource("portal/index.html");
    WebClient http = WebClient.create();
    Mono<URI> tokenUrl =
        portal.tokenUrl().isBlank()
            ? discoveredTokenEndpoint(http, issuerUri(oauth2, issuers))
            : Mono.just(URI.create(portal.tokenUrl()));
    return RouterFunctions.route()
        .GET("/portal", request -> ServerResponse.permanentRedirect(URI.create("/portal/")).build())
        .GET(
            "/portal/",
            request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(index))
        .GET(
            "/portal/api/catalog",
            request ->
                ServerResponse.ok()
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(PortalCatalog.describe(catalog.current())))
        .GET(
            "/portal/api/status",
            request ->
                status
                    .check()
                    .flatMap(
                        report ->
                            ServerResponse.ok()
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(report)))
        .POST(
            TOKEN_PATH,
            request ->
                request
                    .formData()
                    .zipWith(tokenUrl)
                    .flatMap(
                        formAndUrl ->
                            http.post()
                                .uri(formAndUrl.getT2())
                                .headers(
                                    headers ->
                                        request
                                            .headers()
                                            .header("Authorization")
                                            .forEach(value -> headers.set("Authorization", value)))
                                .body(BodyInserters.fromFormData(formAndUrl.getT1()))
                                .exchangeToMono(
                                    answer ->
                                        answer
                                            .bodyToMono(String.class)
                                            .defaultIfEmpty("")
                                            .flatMap(
                                                body ->
                                                    ServerResponse.status(answer.statusCode())
                                                        .contentType(MediaType.APPLICATION_JSON)
                                                        .bodyValue(body)))))
        .add(
            RouterFunctions.resources(
                "/portal/webjars/" + SWAGGER_UI + "/**",
                new ClassPathResource(
                    "META-INF/resources/webjars/"
                        + SWAGGER_UI
                        + "/"
                        + webJarVersion(SWAGGER_UI)
                        + "/")))
        .add(RouterFunctions.resources("/portal/**", new ClassPathResource("portal/")))
        .build();
  }

  /** The WebJar's version, so pages link to it without one. */
  static String webJarVersion(String artifactId) {
    String properties = "META-INF/maven/org.webjars/" + artifactId + "/pom.properties";
    try (InputStream in =
        PortalConfiguration.class.getClassLoader().getResourceAsStream(properties)) {
      if (in == null) {
        throw new IllegalStateException(
            "The " + artifactId + " WebJar is not on the class path (" + properties + ")");
      }
      Properties pom = new Properties();
      pom.load(in);
      return pom.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + properties, e);
    }
  }

  /**
   * What the status page checks for the token issuer: the JWKS URI of Spring Boot's resource-server
   * properties when set, else the OIDC discovery document of the first issuer trusted by default.
   */
  static URI issuerProbe(OAuth2ResourceServerProperties oauth2, TrustedIssuers issuers) {
    String jwkSetUri = oauth2.getJwt().getJwkSetUri();
    return URI.create(
        jwkSetUri != null && !jwkSetUri.isBlank()
            ? jwkSetUri
            : issuerUri(oauth2, issuers) + "/.well-known/openid-configuration");
  }

  /**
   * The issuer's token endpoint from its OpenID configuration ({@code token_endpoint}: Keycloak's
   * {@code .../protocol/openid-connect/token}, Spring Authorization Server's {@code
   * /oauth2/token}), read at the first sign-in and kept for an hour. While the issuer cannot say,
   * {@code <issuer>/oauth2/token}, asked again at the next sign-in.
   */
  static Mono<URI> discoveredTokenEndpoint(WebClient http, String issuer) {
    URI fallback = URI.create(issuer + "/oauth2/token");
    return http.get()
        .uri(issuer + "/.well-known/openid-configuration")
        .retrieve()
        .bodyToMono(Map.class)
        .timeout(DISCOVERY_TIMEOUT)
        .flatMap(
            document ->
                document.get("token_endpoint") instanceof String endpoint && !endpoint.isBlank()
                    ? Mono.just(URI.create(endpoint))
                    : Mono.empty())
        .cache(found -> DISCOVERY_TTL, error -> Duration.ZERO, () -> Duration.ZERO)
        .onErrorResume(error -> Mono.empty())
        .defaultIfEmpty(fallback);
  }

  /** The issuer the portal gets tokens from (see {@code junction.gateway.portal.token-url}). */
  static String issuerUri(OAuth2ResourceServerProperties oauth2, TrustedIssuers issuers) {
    String legacy = oauth2.getJwt().getIssuerUri();
    return legacy != null && !legacy.isBlank() ? legacy : issuers.primary().issuer();
  }
}
