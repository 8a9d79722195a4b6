package dev.junction.standalone.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.infra.InfraPaths;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The process stack as {@code bin/junction up --processes --gateways 2 --idp keycloak} runs it,
 * every part a process of its own with its settings in its environment, tokens from Keycloak with
 * the compose stack's realm: the sample API through both gateways, one gateway killed with {@code
 * kill -9} while the other goes on, a broker restart under load that loses no run, and {@code
 * bin/junction down} leaving nothing behind.
 */
@Order(2) // among the longest classes: first on its thread (see SampleStack)
class ProcessStackIT {

  private static final Logger log = LoggerFactory.getLogger(ProcessStackIT.class);
  private static final String ORDER = "{\"customerId\":\"c-1\",\"sku\":\"sku-1\",\"quantity\":2}";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static ProcessStack stack;
  private static ProcessStack.Settings settings;
  private static String token;
  private static OtlpReceiver traces;

  @BeforeAll
  static void start() throws IOException {
    traces = new OtlpReceiver();
    // every service exports every trace to the receiver
    settings =
        ProcessStack.Settings.ephemeral(InfraPaths.home(), "process-it", 2, 1)
            .withTracing(traces.tracesUrl(), 1.0)
            .withIdentityProvider(IdentityProvider.KEYCLOAK);
    long started = System.nanoTime();
    stack = ProcessStack.start(settings);
    log.info("Process stack ready in {} ms", (System.nanoTime() - started) / 1_000_000);
    token =
        TokenClient.fetch(
            settings.stack().tokenUrl(),
            StackSettings.SAMPLE_CLIENT_ID,
            settings.stack().clientSecret(),
            StackSettings.SAMPLE_SCOPES);
  }

  @AfterAll
  static void downLeavesNothingRunning() throws IOException {
    if (traces != null) {
      traces.close();
    }
    if (stack == null) {
      return;
    }
    List<ProcessHandle> parts = new ArrayList<>();
    for (String name : stack.names()) {
      try {
        parts.add(stack.process(name));
      } catch (IllegalStateException e) { // killed by the test already
        log.info("{} is not running any more", name);
      }
    }
    List<String> stopped = ProcessStack.stop(settings.pidDir());

    assertThat(stopped)
        .contains("kafka", "apicurio", "keycloak", "orchestrator-0", "api-gateway-0");
    assertThat(parts).isNotEmpty().noneMatch(ProcessHandle::isAlive);
    try (var pidFiles = Files.list(settings.pidDir())) {
      assertThat(pidFiles).as("PID files left").isEmpty();
    }
  }

  /**
   * Keycloak's tokens, from the realm the compose stack imports: the gateway's audience, the scopes
   * the sample client asked for, and the operator scope of subscriptions when asked for.
   */
  @Test
  void keycloakIssuesTheTokensTheGatewaysAccept() throws Exception {
    JsonNode claims = claims(token);
    assertThat(claims.path("iss").asString())
        .isEqualTo(settings.stack().issuerUrl())
        .endsWith("/realms/junction");
    assertThat(claims.path("aud").toString()).contains(StackSettings.GATEWAY_AUDIENCE);
    assertThat(claims.path("scope").asString().split(" "))
        .contains(StackSettings.SAMPLE_SCOPES.split(" "))
        .doesNotContain(StackSettings.SUBSCRIPTIONS_OPERATOR_SCOPE);
    String operator =
        TokenClient.fetch(
            settings.stack().tokenUrl(),
            StackSettings.SAMPLE_CLIENT_ID,
            settings.stack().clientSecret(),
            StackSettings.SUBSCRIPTIONS_OPERATOR_SCOPE);

    HttpResponse<String> consumer = get(0, "/subscriptions/export", token);
    HttpResponse<String> export = get(0, "/subscriptions/export", operator);

    // the portal's "get a token" form, through the gateway to Keycloak's token endpoint (found in
    // its OpenID configuration)
    HttpResponse<String> portalToken =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(settings.stack().gatewayUrl(0) + "/portal/api/token"))
                .timeout(Duration.ofSeconds(30))
                .header(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (StackSettings.SAMPLE_CLIENT_ID
                                        + ":"
                                        + settings.stack().clientSecret())
                                    .getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "grant_type=client_credentials&scope=orders%3Aread"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(portalToken.statusCode()).as(portalToken.body()).isEqualTo(200);
    JsonNode portalClaims =
        claims(JSON.readTree(portalToken.body()).path("access_token").asString());
    assertThat(portalClaims.path("iss").asString()).isEqualTo(claims.path("iss").asString());
    assertThat(consumer.statusCode()).as(consumer.body()).isEqualTo(403);
    assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
    assertThat(JSON.readTree(export.body()).path("format").asString())
        .isEqualTo("junction.subscriptions/v1");
  }

  private static JsonNode claims(String jwt) {
    String payload = jwt.split("\\.")[1];
    return JSON.readTree(Base64.getUrlDecoder().decode(payload));
  }

  private static HttpResponse<String> get(int gateway, String path, String bearer)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(settings.stack().gatewayUrl(gateway) + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + bearer)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void survivesAGatewayKillAndABrokerRestartWithoutLosingARun() throws Exception {
    for (int gateway = 0; gateway < 2; gateway++) {
      int instance = gateway;
      // the first calls of cold JVMs may outlast the API's timeout and answer 202
      HttpResponse<String> response =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> order(instance), r -> r.statusCode() != 202);
      assertThat(response.statusCode())
          .as("through gateway %d: %s", gateway, response.body())
          .isEqualTo(201);
      assertThat(JSON.readTree(response.body()).path("orderId").asString()).startsWith("ord-");
    }

    ProcessHandle second = stack.process("api-gateway-1");
    second.destroyForcibly(); // kill -9
    second.onExit().get();
    assertThat(isAnswering(1)).as("the killed gateway answers").isFalse();
    for (int i = 0; i < 10; i++) {
      assertThat(order(0).statusCode()).as("call %d through the other gateway", i).isEqualTo(201);
    }

    // a broker restart while calls go on: every call the gateway accepted ends COMPLETED
    Map<String, Integer> accepted = new ConcurrentHashMap<>();
    List<Integer> refused = new CopyOnWriteArrayList<>();
    AtomicBoolean calling = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(2);
    List<Future<?>> loops = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      loops.add(
          clients.submit(
              () -> {
                while (calling.get()) {
                  try {
                    HttpResponse<String> response = order(0);
                    String runId = response.headers().firstValue("X-Run-Id").orElse(null);
                    if ((response.statusCode() == 201 || response.statusCode() == 202)
                        && runId != null) {
                      accepted.put(runId, response.statusCode());
                    } else {
                      refused.add(response.statusCode());
                    }
                  } catch (IOException e) {
                    refused.add(-1);
                  }
                }
                return null;
              }));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 20);
    int beforeRestart = accepted.size();
    long restartStarted = System.nanoTime();
    stack.restart("kafka");
    long restartMillis = (System.nanoTime() - restartStarted) / 1_000_000;
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> accepted.values().stream().filter(s -> s == 201).count() >= beforeRestart + 20);
    calling.set(false);
    for (Future<?> loop : loops) {
      loop.get();
    }
    clients.shutdown();

    log.info(
        "Broker restart took {} ms; {} calls accepted ({} answered 202), {} refused {}",
        restartMillis,
        accepted.size(),
        accepted.values().stream().filter(s -> s == 202).count(),
        refused.size(),
        refused);
    Map<String, String> status = new ConcurrentHashMap<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              for (String runId : accepted.keySet()) {
                if (!"COMPLETED".equals(status.get(runId))) {
                  HttpResponse<String> run = run(runId);
                  if (run.statusCode() == 200) {
                    status.put(runId, JSON.readTree(run.body()).path("status").asString());
                  }
                }
              }
              assertThat(status).hasSameSizeAs(accepted);
              assertThat(status.values()).allMatch("COMPLETED"::equals);
            });
  }

  /**
   * One call is one trace: the client's {@code traceparent} is continued by the gateway's server
   * span, and every hop (gateway -> Kafka -> orchestrator -> Kafka -> connector -> backend, and the
   * replies back to the orchestrator) is a child of the span that sent it, exported over OTLP by
   * each service process.
   */
  @Test
  void tracesOneCallAcrossTheGatewayTheOrchestratorAndTheConnector() throws Exception {
    String clientSpan = "00f067aa0ba902b7";
    String[] traceId = new String[1];
    HttpResponse<String> response =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  traceId[0] = HexFormat.of().formatHex(randomBytes(16));
                  return order(0, "00-" + traceId[0] + "-" + clientSpan + "-01");
                },
                r -> r.statusCode() != 202);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    String runId = response.headers().firstValue("X-Run-Id").orElseThrow();

    // spans are exported in batches (every 5 s by default)
    List<OtlpReceiver.ReceivedSpan> trace =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> traces.spans(traceId[0]),
                spans ->
                    // the gateway's server span ends last (after the answer), maybe in a later
                    // batch
                    spans.stream()
                            .anyMatch(
                                span ->
                                    span.service().equals("api-gateway")
                                        && span.kind() == Span.SpanKind.SPAN_KIND_SERVER)
                        && named(spans, "orchestrator", "step reply create").isPresent()
                        && named(spans, "http-connector", "invoke orders").isPresent()
                        && named(spans, "api-gateway", "send orchestrator.commands").isPresent());

    OtlpReceiver.ReceivedSpan server =
        trace.stream()
            .filter(span -> span.service().equals("api-gateway"))
            .filter(span -> span.kind() == Span.SpanKind.SPAN_KIND_SERVER)
            .findFirst()
            .orElseThrow();
    OtlpReceiver.ReceivedSpan send =
        named(trace, "api-gateway", "send orchestrator.commands").get();
    OtlpReceiver.ReceivedSpan start = named(trace, "orchestrator", "start run create-order").get();
    OtlpReceiver.ReceivedSpan reserve = named(trace, "http-connector", "invoke inventory").get();
    OtlpReceiver.ReceivedSpan reserved = named(trace, "orchestrator", "step reply reserve").get();
    OtlpReceiver.ReceivedSpan create = named(trace, "http-connector", "invoke orders").get();
    OtlpReceiver.ReceivedSpan created = named(trace, "orchestrator", "step reply create").get();
    assertThat(server.parentSpanId()).as("the client's span").isEqualTo(clientSpan);
    assertThat(send.parentSpanId()).isEqualTo(server.spanId());
    assertThat(send.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_PRODUCER);
    assertThat(start.parentSpanId()).isEqualTo(send.spanId());
    assertThat(start.kind()).isEqualTo(Span.SpanKind.SPAN_KIND_CONSUMER);
    assertThat(reserve.parentSpanId()).isEqualTo(start.spanId());
    assertThat(reserved.parentSpanId()).isEqualTo(reserve.spanId());
    assertThat(create.parentSpanId()).isEqualTo(reserved.spanId());
    assertThat(created.parentSpanId()).isEqualTo(create.spanId());
    Set<String> spanIds = new TreeSet<>();
    trace.forEach(span -> spanIds.add(span.spanId()));
    assertThat(trace)
        .as("spans whose parent is not in the trace")
        .filteredOn(span -> !spanIds.contains(span.parentSpanId()))
        .containsExactly(server);

    // the backend was called in the connector's span: the sample backend says so (traceresponse)
    JsonNode steps = JSON.readTree(run(runId).body()).path("steps");
    assertThat(steps.size()).isEqualTo(2);
    assertThat(steps.get(0).path("output").path("headers").path("traceresponse").asString())
        .isEqualTo("00-" + traceId[0] + "-" + reserve.spanId() + "-01");
    assertThat(steps.get(1).path("output").path("headers").path("traceresponse").asString())
        .isEqualTo("00-" + traceId[0] + "-" + create.spanId() + "-01");
  }

  private static Optional<OtlpReceiver.ReceivedSpan> named(
      List<OtlpReceiver.ReceivedSpan> spans, String service, String name) {
    return spans.stream()
        .filter(span -> span.service().equals(service) && span.name().equals(name))
        .findFirst();
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /**
   * What the services serve at {@code /actuator/prometheus} after a call: every metric the Grafana
   * dashboard queries and every Junction metric {@code docs/operations.md} lists, and no Junction
   * metric it does not list. The scrapes are kept in {@code target/process-it-metrics}.
   */
  @Test
  void servesTheMetricsTheDashboardAndTheDocumentationName() throws Exception {
    assertThat(
            await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> order(0), r -> r.statusCode() != 202)
                .statusCode())
        .isEqualTo(201);
    Path dumps =
        Files.createDirectories(InfraPaths.home().resolve("standalone/target/process-it-metrics"));
    Map<String, String> urls = new LinkedHashMap<>();
    urls.put("api-gateway", settings.stack().gatewayUrl(0));
    urls.put("orchestrator", settings.orchestratorUrl(0));
    urls.put("http-connector", "http://127.0.0.1:" + settings.stack().connectorPort());
    Set<String> served = new TreeSet<>();
    for (Map.Entry<String, String> service : urls.entrySet()) {
      String scrape =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create(service.getValue() + "/actuator/prometheus"))
                      // the gateway serves its metrics to token holders only (Prometheus has one)
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Files.writeString(dumps.resolve(service.getKey() + ".txt"), scrape);
      scrape
          .lines()
          .filter(line -> !line.isBlank() && !line.startsWith("#"))
          .map(line -> line.split("[{ ]", 2)[0])
          .forEach(served::add);
    }

    Set<String> queried =
        metricNames(
            Files.readString(InfraPaths.home().resolve("deploy/grafana/dashboards/junction.json")));
    assertThat(queried).as("metrics the dashboard queries").isNotEmpty();
    assertThat(served).as("metrics served").containsAll(queried);

    Set<String> documented =
        metricNames(Files.readString(InfraPaths.home().resolve("docs/operations.md")));
    Set<String> junctionServed = new TreeSet<>(served);
    junctionServed.removeIf(name -> !name.startsWith("junction_"));
    assertThat(junctionServed).isNotEmpty();
    assertThat(documented).as("metrics docs/operations.md lists").containsAll(junctionServed);
    assertThat(served).as("metrics served").containsAll(documented);
  }

  /** Names of the Junction, JVM, Kafka client and HTTP metrics mentioned in {@code text}. */
  private static Set<String> metricNames(String text) {
    Matcher matcher =
        Pattern.compile(
                "\\b((?:junction|jvm|spring_kafka|kafka_consumer|kafka_producer|http_server|http_client"
                    + "|resilience4j|process|system|executor|hikaricp)_[a-z0-9_]+)\\b")
            .matcher(text);
    Set<String> names = new TreeSet<>();
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  private static HttpResponse<String> order(int gateway) throws IOException, InterruptedException {
    return order(gateway, null);
  }

  /** Places an order, in the client's trace when {@code traceparent} is not null. */
  private static HttpResponse<String> order(int gateway, String traceparent)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(settings.stack().gatewayUrl(gateway) + "/orders/v1/orders"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(ORDER));
    if (traceparent != null) {
      request.header("traceparent", traceparent);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> run(String runId) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(settings.orchestratorUrl(0) + "/runs/" + runId))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static boolean isAnswering(int gateway) throws InterruptedException {
    try {
      HTTP.send(
          HttpRequest.newBuilder(
                  URI.create(settings.stack().gatewayUrl(gateway) + ServiceProcess.READINESS_PATH))
              .timeout(Duration.ofSeconds(2))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
