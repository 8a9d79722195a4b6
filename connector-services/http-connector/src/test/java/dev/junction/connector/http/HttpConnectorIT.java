package dev.junction.connector.http;

import static dev.junction.connector.support.testing.ConnectorTestBed.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.connector.http.testing.TestBackend;
import dev.junction.connector.http.testing.TokenServer;
import dev.junction.connector.support.testing.ConnectorTestBed;
import dev.junction.contract.CloudEventHeaders;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connector as it runs: a real KRaft broker and Apicurio Registry (child processes), the Spring
 * Boot application, and a real HTTP backend.
 */
class HttpConnectorIT {

  private static final Logger log = LoggerFactory.getLogger(HttpConnectorIT.class);

  private static final String TRACE_ID_PART = "00-4bf92f3577b34da6a3ce929d0e0e4736-";
  private static final String TRACEPARENT = TRACE_ID_PART + "00f067aa0ba902b7-01";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static ConnectorTestBed bed;
  private static TestBackend backend;
  private static ConfigurableApplicationContext app;
  private static Path tokenFile;
  private static ConfigurableApplicationContext tokenServer;
  private static final List<String> presentedTokens = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    bed = ConnectorTestBed.start("http-connector-it");
    tokenServer = TokenServer.start(4);
    String tokenUrl =
        "http://127.0.0.1:"
            + tokenServer.getEnvironment().getProperty("local.server.port")
            + "/oauth2/token";
    tokenFile = Files.createTempFile("http-connector-it", ".token");
    Files.writeString(tokenFile, "t-456\n");
    backend = TestBackend.start();
    backend
        .on("/api/stock", 200, "application/json", "{\"sku\":\"A-1\",\"available\":7}")
        .on("/api/broken", 500, "text/plain", "stack trace with secrets")
        // under the connector's 1 MiB limit, but twice that once JSON-escaped into the reply
        .on("/api/quotes", 200, "text/plain", "\"".repeat(600_000));

    List<String> args = new ArrayList<>(bed.applicationArgs("http-connector"));
    args.add("--junction.http-connector.connections.backend.base-url=" + backend.url() + "/api");
    args.add("--junction.http-connector.connections.backend.timeout=5s");
    String basic = "--junction.http-connector.connections.secured-basic.";
    args.add(basic + "base-url=" + backend.url() + "/secured");
    args.add(basic + "auth.type=basic");
    args.add(basic + "auth.username=junction");
    args.add(basic + "auth.password=${IT_BASIC_PASSWORD}"); // resolved like an env variable
    args.add("--IT_BASIC_PASSWORD=open sesame");
    String bearer = "--junction.http-connector.connections.secured-bearer.";
    args.add(bearer + "base-url=" + backend.url() + "/secured");
    args.add(bearer + "auth.type=bearer");
    args.add(bearer + "auth.token-file=" + tokenFile);
    String apiKey = "--junction.http-connector.connections.secured-key.";
    args.add(apiKey + "base-url=" + backend.url() + "/secured");
    args.add(apiKey + "auth.type=api-key");
    args.add(apiKey + "auth.header=X-Api-Key");
    args.add(apiKey + "auth.key=k-123");
    for (String name : List.of("oauth", "oauth-refused")) {
      String oauth = "--junction.http-connector.connections." + name + ".";
      args.add(oauth + "base-url=" + backend.url() + "/oauth");
      args.add(oauth + "auth.type=oauth2-client-credentials");
      args.add(oauth + "auth.token-url=" + tokenUrl);
      args.add(oauth + "auth.client-id=" + TokenServer.CLIENT_ID);
      args.add(oauth + "auth.scope=" + TokenServer.SCOPE);
      args.add(
          oauth
              + "auth.client-secret="
              + (name.equals("oauth") ? TokenServer.CLIENT_SECRET : "wrong-secret"));
    }
    // the token server's Spring Security is on the test classpath: keep it out of the connector
    args.add(
        "--spring.autoconfigure.exclude="
            + String.join(",", TokenServer.SECURITY_AUTO_CONFIGURATION));
    String flaky = "--junction.http-connector.connections.flaky.";
    args.add(flaky + "base-url=" + backend.url() + "/flaky");
    args.add(flaky + "timeout=5s");
    args.add(flaky + "resilience.retry.max-attempts=2");
    args.add(flaky + "resilience.retry.initial-backoff=10ms");
    args.add(flaky + "resilience.circuit-breaker.sliding-window-size=4");
    args.add(flaky + "resilience.circuit-breaker.minimum-number-of-calls=4");
    args.add(flaky + "resilience.circuit-breaker.wait-in-open-state=2s");
    args.add(flaky + "resilience.circuit-breaker.permitted-calls-in-half-open-state=1");
    app =
        new SpringApplicationBuilder(HttpConnectorApplication.class)
            .run(args.toArray(String[]::new));
    bed.startReading();
  }

  @AfterAll
  static void stop() {
    ConnectorTestBed.closeAll(
        app, backend, tokenServer, bed, () -> Files.deleteIfExists(tokenFile));
  }

  @Test
  void answersSucceededWithTheBackendsResponseAndCloudEventsHeaders() throws Exception {
    String runId = send("{\"method\":\"GET\",\"path\":\"/stock\",\"query\":{\"sku\":\"A-1\"}}");

    ConsumerRecord<String, ConnectorReply> record = awaitReply(runId);
    ConnectorReply reply = record.value();

    assertThat(record.key()).isEqualTo(runId);
    assertThat(reply.getRunId()).isEqualTo(runId);
    assertThat(reply.getStepId()).isEqualTo("reserve");
    assertThat(reply.getAttempt()).isEqualTo(1);
    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    assertThat(reply.getError()).isNull();
    JsonNode output = JSON.readTree(reply.getOutput());
    assertThat(output.get("status").asInt()).isEqualTo(200);
    assertThat(output.get("body").get("available").asInt()).isEqualTo(7);

    assertThat(header(record, CloudEventHeaders.TYPE))
        .isEqualTo(CloudEventHeaders.Types.CONNECTOR_REPLY);
    assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("junction/http-connector");
    assertThat(header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
    assertThat(header(record, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/avro");
    assertThat(header(record, CloudEventHeaders.RUN_ID)).isEqualTo(runId);
    assertThat(header(record, CloudEventHeaders.STEP_ID)).isEqualTo("reserve");
    assertThat(header(record, CloudEventHeaders.ATTEMPT)).isEqualTo("1");
    assertThat(UUID.fromString(header(record, CloudEventHeaders.ID))).isNotNull();
    assertThat(header(record, CloudEventHeaders.TIME)).isNotBlank();
    // the connector's span continues the command's trace: the reply and the backend call carry it
    String traceparent = header(record, "traceparent");
    assertThat(traceparent).startsWith(TRACE_ID_PART).isNotEqualTo(TRACEPARENT);

    TestBackend.Received call = backend.received("/api/stock").getLast();
    assertThat(call.header("Idempotency-Key")).isEqualTo(runId + ":reserve:1");
    assertThat(call.header("traceparent")).isEqualTo(traceparent);
  }

  @Test
  void answersFailedWhenTheBackendSaysNotFound() throws Exception {
    String runId = send("{\"method\":\"GET\",\"path\":\"/nothing-here\"}");

    ConnectorReply reply = awaitReply(runId).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FAILED);
    assertThat(reply.getError()).isEqualTo("connection 'backend': GET /nothing-here answered 404");
    assertThat(JSON.readTree(reply.getOutput()).get("status").asInt()).isEqualTo(404);
  }

  @Test
  void answersRetryableErrorWhenTheBackendFails() throws Exception {
    String runId = send("{\"method\":\"POST\",\"path\":\"/broken\",\"body\":{\"a\":1}}");

    ConnectorReply reply = awaitReply(runId).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
    assertThat(reply.getError()).contains("500").doesNotContain("secrets");
  }

  @Test
  void answersFatalErrorForAnUnknownConnection() throws Exception {
    String runId = UUID.randomUUID().toString();
    bed.send(command(runId, "billing", "{\"method\":\"GET\"}"), null);

    ConnectorReply reply = awaitReply(runId).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(reply.getError()).isEqualTo("unknown connection 'billing'");
  }

  @Test
  void answersFatalErrorWhenTheResponseDoesNotFitIntoAReplyRecord() throws Exception {
    String runId = send("{\"method\":\"GET\",\"path\":\"/quotes\"}");

    ConnectorReply reply = awaitReply(runId).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(reply.getOutput()).isNull();
    assertThat(reply.getError()).contains("backend", "too large for the reply topic");
  }

  @Test
  void deadLettersUnreadableBytesAndGoesOnWithTheNextCommand() throws Exception {
    String runId = UUID.randomUUID().toString();
    byte[] garbage = "this is not an Avro record".getBytes(StandardCharsets.UTF_8);
    // same key, so same partition: the good command queues behind the garbage
    bed.sendRaw(runId, garbage);
    bed.send(command(runId, "backend", "{\"method\":\"GET\",\"path\":\"/stock\"}"), null);

    ConsumerRecord<String, byte[]> deadLetter = bed.awaitDeadLetter(runId);
    assertThat(deadLetter.value()).isEqualTo(garbage);
    assertThat(header(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(bed.commandTopic());
    assertThat(header(deadLetter, KafkaHeaders.DLT_EXCEPTION_FQCN))
        .isEqualTo("org.springframework.kafka.support.serializer.DeserializationException");
    assertThat(header(deadLetter, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isNotBlank();
    assertThat(deadLetter.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();

    assertThat(awaitReply(runId).value().getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
  }

  @Test
  void exposesCallMetricsAndProbes() throws Exception {
    String runId = send("{\"method\":\"GET\",\"path\":\"/stock\"}");
    awaitReply(runId);
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");

    HttpResponse<String> readiness =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("junction_connector_calls_total{connection=\"backend\",outcome=\"SUCCEEDED\"")
        .contains("junction_connector_duration_seconds_count{connection=\"backend\"")
        .contains("resilience4j_circuitbreaker_state{name=\"backend\",state=\"closed\"} 1.0");
  }

  @Test
  void aFailingBackendIsRetriedThenTheBreakerOpensFailsFastAndClosesWhenItRecovers()
      throws Exception {
    AtomicBoolean healthy = new AtomicBoolean(false);
    backend.on(
        "/flaky/orders",
        exchange ->
            TestBackend.respond(
                exchange,
                healthy.get() ? 201 : 503,
                "application/json",
                healthy.get() ? "{\"orderId\":\"o-1\"}" : "{}"));
    String post = "{\"method\":\"POST\",\"path\":\"/orders\",\"body\":{}}";

    // the first command is retried once (2 attempts), then answered RETRYABLE_ERROR
    ConnectorReply first = awaitReply(sendTo("flaky", post)).value();
    assertThat(first.getOutcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
    assertThat(first.getError()).contains("answered 503");
    assertThat(backend.received("/flaky/orders")).hasSize(2);

    // the second command's two failures fill the window of 4: the breaker opens
    ConnectorReply second = awaitReply(sendTo("flaky", post)).value();
    assertThat(second.getError()).contains("answered 503");
    int callsBeforeOpen = backend.received("/flaky/orders").size();

    List<Long> roundTripsNanos = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long start = System.nanoTime();
      ConnectorReply refused = awaitReply(sendTo("flaky", post)).value();
      roundTripsNanos.add(System.nanoTime() - start);
      assertThat(refused.getOutcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
      assertThat(refused.getError())
          .isEqualTo("connection 'flaky': circuit breaker open, backend not called");
    }
    // failing fast means not calling the backend; how fast is logged, not asserted (a loaded
    // machine stretches any time, and speed is for the benchmarks)
    assertThat(backend.received("/flaky/orders")).hasSize(callsBeforeOpen);
    roundTripsNanos.sort(null);
    long p50 = TimeUnit.NANOSECONDS.toMicros(roundTripsNanos.get(roundTripsNanos.size() / 2));
    long max = TimeUnit.NANOSECONDS.toMicros(roundTripsNanos.getLast());
    log.info(
        "While the breaker was open: command -> reply over Kafka p50 {} us, max {} us (20 commands)",
        p50,
        max);

    healthy.set(true);
    // after wait-in-open-state (2 s) a trial call goes through and closes the breaker
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                awaitReply(sendTo("flaky", post)).value().getOutcome()
                    == ConnectorOutcome.SUCCEEDED);
    assertThat(awaitReply(sendTo("flaky", post)).value().getOutcome())
        .isEqualTo(ConnectorOutcome.SUCCEEDED);
  }

  @ParameterizedTest
  @CsvSource({
    "secured-basic, Authorization, Basic anVuY3Rpb246b3BlbiBzZXNhbWU=",
    "secured-bearer, Authorization, Bearer t-456",
    "secured-key, X-Api-Key, k-123"
  })
  void authenticatesAsTheConnectionSays(String connection, String header, String expected)
      throws Exception {
    backend.on(
        "/secured/whoami",
        exchange -> {
          String presented = exchange.getRequestHeaders().getFirst(header);
          boolean ok = expected.equals(presented);
          TestBackend.respond(
              exchange, ok ? 200 : 401, "application/json", ok ? "{\"user\":\"junction\"}" : "{}");
        });
    String get = "{\"method\":\"GET\",\"path\":\"/whoami\"}";

    ConnectorReply reply = awaitReply(sendTo(connection, get)).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    assertThat(reply.getOutput()).doesNotContain(expected);
  }

  @Test
  void fetchesATokenWithClientCredentialsReusesItAndRefreshesItBeforeItExpires() throws Exception {
    backend.on(
        "/oauth/whoami",
        exchange -> {
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          String token =
              authorization != null && authorization.startsWith("Bearer ")
                  ? authorization.substring(7)
                  : "";
          boolean active = introspect(token);
          presentedTokens.add(token);
          TestBackend.respond(exchange, active ? 200 : 401, "application/json", "{}");
        });
    String get = "{\"method\":\"GET\",\"path\":\"/whoami\"}";

    assertThat(awaitReply(sendTo("oauth", get)).value().getOutcome())
        .isEqualTo(ConnectorOutcome.SUCCEEDED);
    assertThat(awaitReply(sendTo("oauth", get)).value().getOutcome())
        .isEqualTo(ConnectorOutcome.SUCCEEDED);
    String first = presentedTokens.getFirst();
    // the token lives 4 s and is refreshed after half its life; until then it is reused
    assertThat(presentedTokens.get(1)).isEqualTo(first);

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                awaitReply(sendTo("oauth", get)).value().getOutcome() == ConnectorOutcome.SUCCEEDED
                    && !presentedTokens.getLast().equals(first));
  }

  @Test
  void aClientTheTokenEndpointRefusesIsFatal() throws Exception {
    ConnectorReply reply =
        awaitReply(sendTo("oauth-refused", "{\"method\":\"GET\",\"path\":\"/whoami\"}")).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(reply.getError())
        .isEqualTo("connection 'oauth-refused': no access token: token endpoint answered 401");
  }

  /** Asks the authorization server whether it issued {@code token} and it is still valid. */
  private static boolean introspect(String token) throws java.io.IOException {
    String credentials = TokenServer.CLIENT_ID + ":" + TokenServer.CLIENT_SECRET;
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + tokenServer.getEnvironment().getProperty("local.server.port")
                        + "/oauth2/introspect"))
            .header(
                "Authorization",
                "Basic "
                    + java.util.Base64.getEncoder()
                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("token=" + token))
            .build();
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          && JSON.readTree(response.body()).path("active").asBoolean(false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void aConnectionWithoutCredentialsIsRefusedByAServerThatChecksThem() throws Exception {
    backend.on(
        "/api/whoami",
        exchange ->
            TestBackend.respond(
                exchange,
                exchange.getRequestHeaders().containsKey("Authorization") ? 200 : 401,
                "application/json",
                "{}"));

    ConnectorReply reply = awaitReply(send("{\"method\":\"GET\",\"path\":\"/whoami\"}")).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FAILED);
    assertThat(reply.getError()).endsWith("answered 401");
  }

  @Test
  void waitsAsTheBackendsRetryAfterSaysBeforeTryingAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    backend.on(
        "/api/busy",
        exchange -> {
          if (calls.incrementAndGet() == 1) {
            exchange.getResponseHeaders().add("Retry-After", "1");
            TestBackend.respond(exchange, 429, "application/json", "{}");
          } else {
            TestBackend.respond(exchange, 200, "application/json", "{\"ok\":true}");
          }
        });

    ConsumerRecord<String, ConnectorReply> reply =
        awaitReply(send("{\"method\":\"GET\",\"path\":\"/busy\"}"));

    assertThat(reply.value().getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    assertThat(reply.value().getDurationMs()).isGreaterThanOrEqualTo(1_000);
    List<TestBackend.Received> received = backend.received("/api/busy");
    assertThat(received).hasSize(2);
    assertThat(received.get(1).header("Idempotency-Key"))
        .isEqualTo(received.get(0).header("Idempotency-Key"));
  }

  private static String sendTo(String connection, String input) throws Exception {
    String runId = UUID.randomUUID().toString();
    bed.send(command(runId, connection, input), null);
    return runId;
  }

  private static String send(String input) throws Exception {
    String runId = UUID.randomUUID().toString();
    bed.send(command(runId, "backend", input), TRACEPARENT);
    return runId;
  }

  private static InvokeConnector command(String runId, String connection, String input) {
    return bed.command(runId, "reserve", connection, "request", input);
  }

  private static ConsumerRecord<String, ConnectorReply> awaitReply(String runId) {
    return bed.awaitReply(runId);
  }
}
