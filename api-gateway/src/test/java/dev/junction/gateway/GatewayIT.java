package dev.junction.gateway;

import static dev.junction.gateway.GatewayTestSupport.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.KafkaBroker;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway against a real KRaft broker, a real Apicurio registry and a real JWKS endpoint. The
 * test plays the orchestrator: it consumes the commands and answers on the requested partition.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {

  private static final String COMMANDS = "gateway-it.orchestrator.commands";
  private static final String REPLIES = "gateway-it.gateway.replies";
  private static final int INSTANCE_INDEX = 1;
  private static final String AUDIENCE = "junction-gateway";
  private static final String ORDERS = "/orders/v1/orders";
  private static final String ORDER = "{\"customerId\":\"c1\",\"sku\":\"SKU-1\",\"quantity\":2}";

  /** Customer id that makes the fake orchestrator answer after the client's deadline. */
  private static final String SLOW_CUSTOMER = "slow";

  private static final JsonMapper JSON = JsonMapper.shared();

  private static KafkaBroker kafka;
  private static ApicurioRegistry registry;
  private static HttpServer issuer;
  private static String issuerUrl;
  private static RSAKey signingKey;
  private static ConfigurableApplicationContext gateway;
  private static String baseUrl;
  private static FakeOrchestrator orchestrator;
  private static final AtomicReference<String> runsAuthorization = new AtomicReference<>();
  private static final AtomicReference<String> runsPrincipal = new AtomicReference<>();
  private static final AtomicReference<String> runsRequest = new AtomicReference<>();
  private static final HttpClient http = HttpClient.newHttpClient();

  /** A copy of the sample catalog plus the notes API, which the evolution test changes. */
  private static Path catalog;

  private static final String NOTES = "/notes/v1/notes";
  private static final String NOTE_SCHEMA_V1 =
      """
      {"type":"record","name":"AddNote","namespace":"it.notes.v1","doc":"A note.","fields":[
        {"name":"text","type":"string","doc":"The note."}]}
      """;
  private static final String NOTE_SCHEMA_V2 =
      """
      {"type":"record","name":"AddNote","namespace":"it.notes.v1","doc":"A note.","fields":[
        {"name":"text","type":"string","doc":"The note."},
        {"name":"pinned","type":["null","boolean"],"default":null,"doc":"Shown first."}]}
      """;

  private static Path copyCatalog() throws IOException {
    Path dir = Files.createTempDirectory("gateway-it-apis");
    Path source = Path.of("../apis").toAbsolutePath().normalize();
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path target = dir.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
    Files.createDirectories(dir.resolve("schemas/notes/v1"));
    Files.writeString(dir.resolve("schemas/notes/v1/AddNote.avsc"), NOTE_SCHEMA_V1);
    Files.writeString(
        dir.resolve("notes-v1.yaml"),
        """
        name: notes
        version: v1
        basePath: /notes/v1
        policies:
          idempotency: {ttl: 1h}
        operations:
          - id: addNote
            method: POST
            path: /notes
            scopes: [orders:write]
            request:
              schema: schemas/notes/v1/AddNote.avsc
            backend:
              workflow: add-note
        """);
    return dir;
  }

  @BeforeAll
  static void start() throws Exception {
    catalog = copyCatalog();
    kafka = GatewayTestSupport.sharedKafka();
    // its own registry: the last test stops it
    registry = ApicurioRegistry.start(ApicurioRegistry.Settings.forTest("gateway-it"));
    signingKey = new RSAKeyGenerator(2048).keyID("gateway-it").generate();
    startIssuer();
    gateway =
        new SpringApplicationBuilder(GatewayApplication.class)
            .run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--junction.registry.url=" + registry.registryUrl(),
                "--junction.kafka.partitions=2",
                "--junction.gateway.instance-index=" + INSTANCE_INDEX,
                "--junction.gateway.command-topic=" + COMMANDS,
                "--junction.gateway.reply-topic=" + REPLIES,
                "--junction.gateway.catalog-dir=" + catalog,
                "--junction.gateway.catalog-scan-interval=200ms",
                "--junction.gateway.orchestrator-url=" + issuerUrl,
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri="
                    + issuerUrl
                    + "/oauth2/jwks",
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuerUrl);
    baseUrl = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
    orchestrator = new FakeOrchestrator();
  }

  @AfterAll
  static void stop() {
    if (orchestrator != null) {
      orchestrator.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (issuer != null) {
      issuer.stop(0);
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** Serves the JWKS, and a stand-in for the orchestrator's run API behind {@code /runs}. */
  private static void startIssuer() throws IOException {
    issuer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] jwks = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    issuer.createContext(
        "/oauth2/jwks",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, jwks.length);
          exchange.getResponseBody().write(jwks);
          exchange.close();
        });
    issuer.createContext(
        "/runs",
        exchange -> {
          runsAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          runsPrincipal.set(exchange.getRequestHeaders().getFirst("X-Junction-Principal"));
          runsRequest.set(exchange.getRequestMethod() + " " + exchange.getRequestURI());
          if (exchange.getRequestURI().getPath().equals("/runs")) {
            byte[] page = "{\"runs\":[],\"next\":null}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
            return;
          }
          String id = exchange.getRequestURI().getPath().substring("/runs/".length());
          byte[] body =
              ("{\"runId\":\"" + id + "\",\"status\":\"COMPLETED\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    issuer.start();
    issuerUrl = "http://127.0.0.1:" + issuer.getAddress().getPort();
  }

  private static String token(
      RSAKey key, String issuerUri, String audience, Instant expiry, String scope)
      throws Exception {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuerUri)
            .audience(audience)
            .subject("alice")
            .claim("client_id", "shop-frontend")
            .claim("scope", scope)
            .issueTime(Date.from(Instant.now().minusSeconds(600)))
            .expirationTime(Date.from(expiry))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static String validToken(String scope) throws Exception {
    return token(signingKey, issuerUrl, AUDIENCE, Instant.now().plusSeconds(300), scope);
  }

  private static HttpResponse<String> post(
      String path, String token, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  /**
   * A kept-alive connection keeps serving when a request arrives before the previous exchange has
   * ended (a browser loading the portal does this): a page, a data call, then a 404, over and over
   * on one connection. Reactor Netty 1.3.6 stopped reading such a connection for good, and the
   * third request waited for the client's timeout (reactor/reactor-netty#4347).
   */
  @Test
  void aKeptAliveConnectionServesEveryRequestInTurn() throws Exception {
    record Call(String path, String jwt, int status) {}
    HttpClient oneConnection = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String jwt = validToken("orders:read");
    List<Call> calls =
        List.of(
            new Call("/portal/", null, 200),
            new Call("/portal/api/catalog", jwt, 200),
            new Call("/no/such/route", jwt, 404));
    for (int round = 0; round < 20; round++) {
      for (Call call : calls) {
        HttpRequest.Builder request =
            HttpRequest.newBuilder(URI.create(baseUrl + call.path()))
                .timeout(Duration.ofSeconds(5))
                .GET();
        if (call.jwt() != null) {
          request.header("Authorization", "Bearer " + call.jwt());
        }
        HttpResponse<String> response =
            oneConnection.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
            .as("round %d, %s", round, call.path())
            .isEqualTo(call.status());
      }
    }
  }

  @Test
  void placesAnOrderThroughTheWorkflow() throws Exception {
    HttpResponse<String> response = post(ORDERS, validToken("orders:write"), ORDER);

    assertThat(response.statusCode()).isEqualTo(201);
    String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
    assertThat(response.headers().firstValue("Location")).hasValue("/orders/v1/orders/o-" + runId);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json(response).get("orderId").asString()).isEqualTo("o-" + runId);

    ConsumerRecord<String, WorkflowRequested> command = orchestrator.commands.get(runId);
    assertThat(command.key()).isEqualTo(runId);
    WorkflowRequested request = command.value();
    assertThat(request.getWorkflow()).isEqualTo("create-order");
    assertThat(request.getApi()).isEqualTo("orders");
    assertThat(request.getOperation()).isEqualTo("createOrder");
    assertThat(request.getPrincipal()).isEqualTo("alice");
    assertThat(request.getClientId()).isEqualTo("shop-frontend");
    assertThat(JSON.readTree(request.getBody())).isEqualTo(JSON.readTree(ORDER));
    assertThat(request.getReplyTopic()).isEqualTo(REPLIES);
    assertThat(request.getReplyPartition()).isEqualTo(INSTANCE_INDEX);
    assertThat(request.getHeaders()).doesNotContainKey("authorization");
    assertThat(header(command, CloudEventHeaders.ID)).isEqualTo(runId);
    assertThat(header(command, CloudEventHeaders.TYPE))
        .isEqualTo(CloudEventHeaders.Types.WORKFLOW_REQUESTED);
    assertThat(header(command, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
    assertThat(header(command, CloudEventHeaders.REPLY_TOPIC)).isEqualTo(REPLIES);
    assertThat(header(command, CloudEventHeaders.REPLY_PARTITION)).isEqualTo("1");
  }

  @Test
  void rejectsRequestWithoutToken() throws Exception {
    HttpResponse<String> response = post(ORDERS, null, ORDER);

    assertProblem(response, 401, "unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }

  @Test
  void rejectsTokenWithBadSignature() throws Exception {
    RSAKey impostor = new RSAKeyGenerator(2048).keyID(signingKey.getKeyID()).generate();
    String token =
        token(impostor, issuerUrl, AUDIENCE, Instant.now().plusSeconds(300), "orders:write");

    HttpResponse<String> response = post(ORDERS, token, ORDER);

    assertProblem(response, 401, "unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer error=\"invalid_token\"");
  }

  @Test
  void rejectsExpiredToken() throws Exception {
    // Beyond the validator's 60 s clock skew.
    String token =
        token(signingKey, issuerUrl, AUDIENCE, Instant.now().minusSeconds(300), "orders:write");

    HttpResponse<String> response = post(ORDERS, token, ORDER);

    assertProblem(response, 401, "unauthorized");
    assertThat(json(response).get("detail").asString()).containsIgnoringCase("expired");
  }

  @Test
  void rejectsTokenForAnotherAudience() throws Exception {
    String token =
        token(signingKey, issuerUrl, "another-api", Instant.now().plusSeconds(300), "orders:write");

    HttpResponse<String> response = post(ORDERS, token, ORDER);

    assertProblem(response, 401, "unauthorized");
    assertThat(json(response).get("detail").asString()).contains("aud");
  }

  @Test
  void rejectsTokenFromAnotherIssuer() throws Exception {
    String token =
        token(
            signingKey,
            "http://evil.example",
            AUDIENCE,
            Instant.now().plusSeconds(300),
            "orders:write");

    HttpResponse<String> response = post(ORDERS, token, ORDER);

    assertProblem(response, 401, "unauthorized");
    assertThat(json(response).get("detail").asString()).contains("iss");
  }

  @Test
  void forbidsCallerWithoutTheOperationsScope() throws Exception {
    HttpResponse<String> response = post(ORDERS, validToken("orders:read"), ORDER);

    assertProblem(response, 403, "forbidden");
    assertThat(json(response).get("detail").asString()).contains("orders:write");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("insufficient_scope");
  }

  @Test
  void rejectsBodyWithoutSkuNamingTheField() throws Exception {
    HttpResponse<String> response =
        post(ORDERS, validToken("orders:write"), "{\"customerId\":\"c1\",\"quantity\":\"2\"}");

    assertProblem(response, 400, "invalid-request");
    assertThat(json(response).get("errors"))
        .extracting(error -> error.get("pointer").asString())
        .containsExactlyInAnyOrder("/sku", "/quantity");
    String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
    assertThat(orchestrator.commands).doesNotContainKey(runId);
  }

  @Test
  void listsEveryViolationOfTheBodyInOneProblem() throws Exception {
    HttpResponse<String> response =
        post(ORDERS, validToken("orders:write"), "{\"customerId\":7,\"quantity\":\"two\"}");

    assertProblem(response, 400, "invalid-request");
    assertThat(json(response).get("errors"))
        .extracting(error -> error.get("pointer").asString())
        .containsExactlyInAnyOrder("/customerId", "/sku", "/quantity");
  }

  @Test
  void picksUpACompatibleNewSchemaVersionWithoutRestart() throws Exception {
    String token = validToken("orders:write");
    String v2Body = "{\"text\":\"call back\",\"pinned\":true}";
    assertProblem(post(NOTES, token, v2Body), 400, "invalid-request");

    Files.writeString(catalog.resolve("schemas/notes/v1/AddNote.avsc"), NOTE_SCHEMA_V2);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> post(NOTES, token, v2Body).statusCode() == 201);
    HttpResponse<String> v2 = post(NOTES, token, v2Body);
    HttpResponse<String> v1 = post(NOTES, token, "{\"text\":\"v1 client\"}");
    assertThat(v2.statusCode()).isEqualTo(201);
    assertThat(v1.statusCode()).isEqualTo(201);
    assertThat(JSON.readTree(command(v2).getBody()).get("pinned").asBoolean()).isTrue();
    JsonNode v1Body = JSON.readTree(command(v1).getBody());
    assertThat(v1Body.get("text").asString()).isEqualTo("v1 client");
    assertThat(v1Body.get("pinned").isNull()).as("the new field's default").isTrue();
  }

  @Test
  void runsAWorkflowOnceForARepeatedIdempotencyKey() throws Exception {
    String token = validToken("orders:write");
    String key = java.util.UUID.randomUUID().toString();
    String body = "{\"text\":\"once " + key + "\"}";

    HttpResponse<String> first = post(NOTES, token, body, "Idempotency-Key", key);
    HttpResponse<String> repeat = post(NOTES, token, body, "Idempotency-Key", key);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(repeat.statusCode()).isEqualTo(201);
    assertThat(repeat.body()).isEqualTo(first.body());
    assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(command(first).getBody()).contains(key);
    assertThat(orchestrator.commands.values())
        .filteredOn(record -> record.value().getBody().contains(key))
        .hasSize(1);
  }

  /** Last: it stops the registry. */
  @Test
  @Order(Integer.MAX_VALUE)
  void keepsServingWhileTheRegistryIsDown() throws Exception {
    String token = validToken("orders:write");
    assertThat(post(ORDERS, token, ORDER).statusCode()).isEqualTo(201);

    registry.close();
    assertThat(registry.process().isAlive()).isFalse();

    for (int i = 0; i < 20; i++) {
      HttpResponse<String> response = post(ORDERS, token, ORDER);
      assertThat(response.statusCode()).as("call %d without a registry", i).isEqualTo(201);
      assertThat(command(response).getBody()).contains("SKU-1");
    }
  }

  private static WorkflowRequested command(HttpResponse<String> response) {
    String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
    await().atMost(Duration.ofSeconds(10)).until(() -> orchestrator.commands.containsKey(runId));
    return orchestrator.commands.get(runId).value();
  }

  @Test
  void rejectsBodyOverTheSizeLimit() throws Exception {
    String huge =
        "{\"customerId\":\"" + "x".repeat(300 * 1024) + "\",\"sku\":\"s\",\"quantity\":1}";

    assertProblem(post(ORDERS, validToken("orders:write"), huge), 413, "payload-too-large");
  }

  @Test
  void acceptsWithLocationWhenTheReplyMissesTheClientsDeadline() throws Exception {
    MeterRegistry meters = gateway.getBean(MeterRegistry.class);
    double unmatchedBefore = meters.counter("junction.gateway.replies.unmatched").count();
    String slowOrder = ORDER.replace("c1", SLOW_CUSTOMER);

    HttpResponse<String> response =
        post(ORDERS, validToken("orders:write"), slowOrder, "Prefer", "wait=1");

    assertThat(response.statusCode()).isEqualTo(202);
    String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
    assertThat(response.headers().firstValue("Location")).hasValue("/runs/" + runId);
    JsonNode body = json(response);
    assertThat(body.get("runId").asString()).isEqualTo(runId);
    assertThat(body.get("status").asString()).isEqualTo("RUNNING");
    assertThat(body.get("location").asString()).isEqualTo("/runs/" + runId);
    // The late reply is counted and dropped.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> meters.counter("junction.gateway.replies.unmatched").count() > unmatchedBefore);
  }

  @Test
  void answersAtOnceWhenTheClientPrefersAsync() throws Exception {
    String slowOrder = ORDER.replace("c1", SLOW_CUSTOMER);
    long started = System.nanoTime();

    HttpResponse<String> response =
        post(ORDERS, validToken("orders:write"), slowOrder, "Prefer", "respond-async");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(response.statusCode()).isEqualTo(202);
    String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
    assertThat(response.headers().firstValue("Location")).hasValue("/runs/" + runId);
    assertThat(response.headers().firstValue("Preference-Applied")).hasValue("respond-async");
    await().atMost(Duration.ofSeconds(10)).until(() -> orchestrator.commands.containsKey(runId));
  }

  @Test
  void answersUnknownPathsAndMethodsWithProblems() throws Exception {
    String token = validToken("orders:write");

    assertProblem(get("/nothing/here", token), 404, "not-found");
    HttpResponse<String> wrongMethod = get(ORDERS, token);
    assertProblem(wrongMethod, 405, "method-not-allowed");
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void proxiesRunsToTheOrchestratorWithoutTheToken() throws Exception {
    HttpResponse<String> response = get("/runs/r-42", validToken(""));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("runId").asString()).isEqualTo("r-42");
    assertThat(response.headers().firstValue("X-Run-Id")).isPresent();
    assertThat(runsAuthorization.get()).isNull();
    assertProblem(get("/runs/r-42", null), 401, "unauthorized");
  }

  @Test
  void registersItsCommandSchemaWithBackwardCompatibilityAtStart() throws Exception {
    String subject = registry.ccompatUrl() + "/subjects/" + COMMANDS + "-value";
    HttpResponse<String> config =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(registry.ccompatUrl() + "/config/" + COMMANDS + "-value"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> versions =
        http.send(
            HttpRequest.newBuilder(URI.create(subject + "/versions")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(json(config).get("compatibilityLevel").asString()).isEqualTo("BACKWARD");
    assertThat(versions.body()).isEqualTo("[1]");
  }

  @Test
  void runHistoryAndControlNeedTheOperatorScope() throws Exception {
    assertProblem(get("/runs?status=FAILED", validToken("runs:read")), 403, "forbidden");
    assertProblem(post("/runs/r-7/cancel", validToken("orders:write"), "{}"), 403, "forbidden");

    HttpResponse<String> list = get("/runs?status=FAILED", validToken("runs:admin"));
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(runsRequest.get()).isEqualTo("GET /runs?status=FAILED");
    assertThat(runsPrincipal.get()).isEqualTo("alice");
    assertThat(runsAuthorization.get()).isNull();

    HttpResponse<String> cancel =
        post("/runs/r-7/cancel", validToken("runs:admin"), "{\"reason\":\"test\"}");
    assertThat(cancel.statusCode()).isEqualTo(200);
    assertThat(runsRequest.get()).isEqualTo("POST /runs/r-7/cancel");
    assertThat(runsPrincipal.get()).isEqualTo("alice");
  }

  @Test
  void reportsReadyOnceTheReplyConsumerIsPositioned() throws Exception {
    HttpResponse<String> readiness = get("/actuator/health/readiness", null);

    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(json(readiness).get("status").asString()).isEqualTo("UP");
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * Consumes the gateway's commands and answers each on the partition it names: at once with 201,
   * or, for {@link #SLOW_CUSTOMER}, after 2.5 s (past a {@code Prefer: wait=1}).
   */
  private static final class FakeOrchestrator implements AutoCloseable {
    final Map<String, ConsumerRecord<String, WorkflowRequested>> commands =
        new ConcurrentHashMap<>();
    private final KafkaConsumer<String, WorkflowRequested> consumer;
    private final KafkaProducer<String, WorkflowReply> producer;
    private final ScheduledExecutorService delayed = Executors.newSingleThreadScheduledExecutor();
    private final Thread thread;
    private volatile boolean running = true;

    FakeOrchestrator() {
      consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrapServers(),
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "gateway-it-orchestrator",
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                  "earliest",
                  ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                  100),
              new StringDeserializer(),
              AvroSerdes.deserializer(WorkflowRequested.class, registry.registryUrl()));
      producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrapServers(),
                  ProducerConfig.LINGER_MS_CONFIG,
                  0),
              new StringSerializer(),
              AvroSerdes.serializer(registry.registryUrl()));
      consumer.subscribe(List.of(COMMANDS));
      thread = Thread.ofPlatform().name("fake-orchestrator").start(this::run);
    }

    private void run() {
      try {
        while (running) {
          for (ConsumerRecord<String, WorkflowRequested> record :
              consumer.poll(Duration.ofMillis(100))) {
            commands.put(record.key(), record);
            WorkflowRequested request = record.value();
            if (request.getBody() != null && request.getBody().contains(SLOW_CUSTOMER)) {
              delayed.schedule(() -> reply(request), 2500, TimeUnit.MILLISECONDS);
            } else {
              reply(request);
            }
          }
        }
      } catch (WakeupException e) {
        // close() interrupts the poll to end the loop.
      } finally {
        consumer.close();
      }
    }

    private void reply(WorkflowRequested request) {
      String orderId = "o-" + request.getRunId();
      WorkflowReply reply =
          WorkflowReply.newBuilder()
              .setRunId(request.getRunId())
              .setOutcome(WorkflowOutcome.SUCCEEDED)
              .setStatus(201)
              .setHeaders(Map.of("Location", "/orders/v1/orders/" + orderId))
              .setBody(
                  "{\"orderId\":\""
                      + orderId
                      + "\",\"reservationId\":\"r1\",\"status\":\"PLACED\"}")
              .setCompletedAt(Instant.now())
              .build();
      producer.send(
          new ProducerRecord<>(
              request.getReplyTopic(), request.getReplyPartition(), request.getRunId(), reply));
    }

    @Override
    public void close() {
      running = false;
      consumer.wakeup();
      try {
        thread.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delayed.shutdownNow();
      producer.close();
    }
  }
}
