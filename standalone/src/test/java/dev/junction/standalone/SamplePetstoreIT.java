package dev.junction.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.junction.contract.Topics;
import dev.junction.infra.InfraPaths;
import dev.junction.infra.KafkaClientSecurity;
import dev.junction.standalone.stack.EmbeddedStack;
import dev.junction.standalone.stack.StackSettings;
import dev.junction.standalone.stack.TestStackSecurity;
import dev.junction.standalone.stack.TokenClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The sample stack of {@code bin/junction up}, secured as an operator runs it (docs/operations.md,
 * "Security"): the gateway's listener on HTTPS with a certificate from a test authority, the
 * broker's client listener on SASL_SSL with SCRAM-SHA-512, and every service its client through the
 * one set of Kafka security settings. It serves the Petstore API imported from the Swagger
 * Petstore's OpenAPI document (apis/petstore-v3.yaml): mock responses, 20 calls per 10 s per
 * client, and its OpenAPI document valid against the OpenAPI 3.0 JSON schema; and the sample
 * composite API through gateway, orchestrator and http-connector over the secured broker.
 */
class SamplePetstoreIT {

  private static final JsonMapper JSON = JsonMapper.shared();

  private static EmbeddedStack stack;
  private static StackSettings settings;
  private static HttpClient http;
  private static String token;

  @BeforeAll
  static void startStack() {
    StackSettings plain = StackSettings.ephemeral(InfraPaths.home(), "petstore-it", 1);
    settings = plain.withSecurity(TestStackSecurity.create(plain.dataDir().resolveSibling("tls")));
    http = settings.security().httpClient();
    stack = EmbeddedStack.start(settings);
    token =
        TokenClient.fetch(
            settings.tokenUrl(),
            StackSettings.SAMPLE_CLIENT_ID,
            settings.clientSecret(),
            StackSettings.SAMPLE_SCOPES);
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(0) + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesPetstoreMocksAndRefusesThe21stCallWithin10Seconds() throws Exception {
    List<String> paths =
        List.of(
            "/petstore/v3/pet/10",
            "/petstore/v3/pet/findByStatus?status=available",
            "/petstore/v3/store/inventory",
            "/petstore/v3/user/user1");
    HttpResponse<String> first = get(paths.getFirst());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(first.body()).get("name").asString()).isEqualTo("doggie");
    assertThat(first.headers().firstValue("RateLimit-Policy"))
        .hasValue("\"petstore-v3\";q=20;w=10");
    long started = System.nanoTime();
    for (int call = 2; call <= 20; call++) {
      HttpResponse<String> response = get(paths.get(call % paths.size()));
      assertThat(response.statusCode()).as("call %d", call).isEqualTo(200);
    }

    HttpResponse<String> refused = get("/petstore/v3/pet/10");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(9));
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(JSON.readTree(refused.body()).get("type").asString())
        .isEqualTo("https://junction.dev/problems/rate-limited");
    assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 10L);
  }

  @Test
  void exportsThePetstoreAsOpenApi30ThatValidatesAgainstTheSchema() throws Exception {
    HttpResponse<String> response = get("/apis/petstore/v3/openapi.json");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode document = JSON.readTree(response.body());
    JsonNode schema =
        YAMLMapper.builder()
            .build()
            .readTree(Files.readString(fixture("openapi/oas-3.0-json-schema.yaml")));
    assertThat(
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(schema)
                .validate(document))
        .isEmpty();
    assertThat(document.get("paths").size()).isEqualTo(13);
  }

  @Test
  void placesAnOrderThroughGatewayOrchestratorAndConnectorOverTheSecuredBroker() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(settings.gatewayUrl(0) + "/orders/v1/orders"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"customerId\":\"c-1\",\"sku\":\"sku-1\",\"quantity\":2}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(settings.gatewayUrl(0)).startsWith("https://");
    // the first order of a cold stack can outlast the operation's 5 s deadline (202 + the run's
    // location); either way it must complete through the secured broker
    assertThat(response.statusCode()).as(response.body()).isIn(201, 202);
    JsonNode order =
        response.statusCode() == 201
            ? JSON.readTree(response.body())
            : awaitRunResponse(JSON.readTree(response.body()).path("location").asString());
    assertThat(order.path("orderId").asString()).startsWith("ord-");
  }

  /** The response body of a run once it has completed, read through the gateway. */
  private JsonNode awaitRunResponse(String location) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              HttpResponse<String> run =
                  http.send(
                      HttpRequest.newBuilder(URI.create(settings.gatewayUrl(0) + location))
                          .timeout(Duration.ofSeconds(30))
                          .header("Authorization", "Bearer " + token)
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              JsonNode body = JSON.readTree(run.body());
              assertThat(body.path("status").asString()).as(run.body()).isNotIn("FAILED");
              return body.path("status").asString().equals("COMPLETED")
                  ? body.path("response").path("body")
                  : null;
            },
            Objects::nonNull);
  }

  @Test
  void gatewayServesHttpsOnlyWithTheStacksCertificate() {
    String plainUrl = settings.gatewayUrl(0).replace("https://", "http://") + "/portal";
    assertThatThrownBy(
            () ->
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(URI.create(plainUrl))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                        HttpResponse.BodyHandlers.ofString()))
        .as("plain HTTP to the TLS listener")
        .isInstanceOf(IOException.class);
    // a client that trusts only the JDK's authorities does not accept the test authority's
    assertThatThrownBy(
            () ->
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(0) + "/portal"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void brokerRefusesClientsWithoutTheStacksCredentials() throws Exception {
    KafkaClientSecurity services = settings.security().services();
    // the control: the services' credentials list the topics the services created through them
    try (Admin admin = admin(services.clientProperties())) {
      assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .contains(Topics.ORCHESTRATOR_COMMANDS, Topics.GATEWAY_REPLIES);
    }
    KafkaClientSecurity wrongPassword =
        new KafkaClientSecurity(
            services.username(), services.password() + "x", services.trustedCertificates());
    try (Admin admin = admin(wrongPassword.clientProperties())) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
    // PLAINTEXT (no TLS, no credentials) gets no answer at all
    try (Admin admin = admin(Map.of())) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }
  }

  private static Admin admin(Map<String, String> security) {
    Map<String, Object> config = new HashMap<>(security);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    return Admin.create(config);
  }

  /** A third-party file of the repository's {@code test-fixtures} (see its SOURCES.md). */
  private static Path fixture(String relative) {
    Path file = InfraPaths.home().resolve("test-fixtures").resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("fixture " + file + " is missing");
    }
    return file;
  }
}
