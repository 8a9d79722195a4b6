package dev.junction.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.KafkaAndRegistry;
import dev.junction.infra.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a gateway needs to run in an integration test: a real KRaft broker, a real Apicurio registry
 * and a JWKS endpoint serving the key test tokens are signed with. Gateways started here are closed
 * with the stack.
 */
public final class GatewayTestSupport implements AutoCloseable {

  public static final String AUDIENCE = "junction-gateway";

  private final String name;
  private final KafkaBroker kafka;
  private final ApicurioRegistry registry;
  private final HttpServer issuer;
  private final RSAKey signingKey;
  private final List<ConfigurableApplicationContext> gateways = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private GatewayTestSupport(String name) throws Exception {
    this.name = name;
    this.kafka = SharedInfra.KAFKA;
    this.registry = SharedInfra.REGISTRY;
    this.signingKey = new RSAKeyGenerator(2048).keyID(name).generate();
    this.issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] jwks = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    issuer.createContext(
        "/oauth2/jwks",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, jwks.length);
          exchange.getResponseBody().write(jwks);
          exchange.close();
        });
    issuer.start();
  }

  /**
   * @param name prefix of the broker's and the registry's folders, topics and logs
   */
  public static GatewayTestSupport start(String name) throws Exception {
    return new GatewayTestSupport(name);
  }

  /** The broker's bootstrap servers, for tests that read topics themselves. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The topic the gateways of this stack keep subscriptions on. */
  public String subscriptionsTopic() {
    return name + ".gateway.subscriptions";
  }

  /** The broker shared by this JVM's integration tests (stopped when the JVM exits). */
  public static KafkaBroker sharedKafka() {
    return SharedInfra.KAFKA;
  }

  /** The registry shared by this JVM's integration tests (stopped when the JVM exits). */
  public static ApicurioRegistry sharedRegistry() {
    return SharedInfra.REGISTRY;
  }

  public String issuerUrl() {
    return "http://127.0.0.1:" + issuer.getAddress().getPort();
  }

  /**
   * Starts a gateway serving {@code catalog}, owning reply partition {@code instanceIndex}.
   *
   * @return its base URL
   */
  public String startGateway(Path catalog, int instanceIndex, String... extraArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--junction.registry.url=" + registry.registryUrl(),
                "--junction.kafka.partitions=2",
                "--junction.gateway.instance-index=" + instanceIndex,
                "--junction.gateway.command-topic=" + name + ".orchestrator.commands",
                "--junction.gateway.reply-topic=" + name + ".gateway.replies",
                "--junction.gateway.subscriptions.topic=" + subscriptionsTopic(),
                "--junction.gateway.catalog-dir=" + catalog,
                "--junction.gateway.catalog-scan-interval=200ms",
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri="
                    + issuerUrl()
                    + "/oauth2/jwks",
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuerUrl()));
    args.addAll(List.of(extraArgs));
    ConfigurableApplicationContext gateway =
        new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    gateways.add(gateway);
    return "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
  }

  /** A token of this stack's issuer for subject {@code alice} and client {@code clientId}. */
  public String token(String clientId, String scope) {
    try {
      JWTClaimsSet claims =
          new JWTClaimsSet.Builder()
              .issuer(issuerUrl())
              .audience(AUDIENCE)
              .subject("alice")
              .claim("client_id", clientId)
              .claim("scope", scope)
              .issueTime(Date.from(Instant.now().minusSeconds(60)))
              .expirationTime(Date.from(Instant.now().plusSeconds(600)))
              .build();
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256)
                  .keyID(signingKey.getKeyID())
                  .type(JOSEObjectType.JWT)
                  .build(),
              claims);
      jwt.sign(new RSASSASigner(signingKey));
      return jwt.serialize();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends a request with a bearer token (none when {@code token} is null). */
  public HttpResponse<String> send(
      String method, String url, String token, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      // which call failed, for the report: a timeout says nothing else
      throw new UncheckedIOException(method + " " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A local port nothing listens on (it was free a moment ago): calls to it are refused. */
  public static int closedPort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Checks a problem answer: status, media type, stable type, and the run id header. */
  public static void assertProblem(HttpResponse<String> response, int status, String kind) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(response.headers().firstValue("X-Run-Id")).isPresent();
    JsonNode problem = JsonMapper.shared().readTree(response.body());
    assertThat(problem.get("type").asString()).isEqualTo("https://junction.dev/problems/" + kind);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
  }

  @Override
  public void close() {
    gateways.forEach(ConfigurableApplicationContext::close);
    issuer.stop(0);
  }

  /**
   * One broker and one registry for every test class of this JVM (failsafe runs a module's ITs in
   * one JVM), started in parallel on first use and stopped when the JVM exits: each takes seconds
   * to start, and each class's topics are named after it, so classes do not see each other's data.
   */
  private static final class SharedInfra {

    static final KafkaBroker KAFKA;
    static final ApicurioRegistry REGISTRY;

    static {
      KafkaAndRegistry infra = KafkaAndRegistry.startForTest("gateway-its");
      KAFKA = infra.kafka();
      REGISTRY = infra.registry();
      Runtime.getRuntime().addShutdownHook(new Thread(infra::close, "gateway-its-infra-stop"));
    }

    private SharedInfra() {}
  }
}
