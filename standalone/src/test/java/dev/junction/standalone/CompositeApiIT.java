package dev.junction.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.junction.contract.schema.CompatibilityMode;
import dev.junction.contract.schema.RegistryClient;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.InfraPaths;
import dev.junction.standalone.config.ConfigCommand;
import dev.junction.standalone.stack.EmbeddedStack;
import dev.junction.standalone.stack.StackSettings;
import dev.junction.standalone.stack.TokenClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample composite API end to end through the real stack: a KRaft broker and Apicurio as
 * processes, the dev issuer's JWKS, the orchestrator, the http-connector, the sample backend and
 * two gateway instances, each its own JVM ({@link SampleStack}, shared with the portal's tests).
 */
@ExtendWith(SampleStack.Resolver.class)
@Order(SampleStack.ORDER)
@ResourceLock(SampleStack.LOCK)
class CompositeApiIT {

  private static final String ORDER = "{\"customerId\":\"c-1\",\"sku\":\"%s\",\"quantity\":2}";

  /** A required string field of the Avro records the export/import tests register. */
  private static final String ID = "{\"name\":\"id\",\"type\":\"string\"}";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static EmbeddedStack stack;
  private static StackSettings settings;
  private static Path configHome;
  private static ApicurioRegistry emptyRegistry;
  private static String token;
  private static RSAKey signingKey;
  private static String subscriptionToCancel;

  @BeforeAll
  static void startStack(SampleStack sample) throws Exception {
    // the shared stack reads a copy of the sample catalog and workflows: the export/import test
    // empties and restores them
    settings = sample.settings();
    stack = sample.stack();
    configHome = sample.configHome();
    // the empty registry an export is restored into (after the stack: starting both at once only
    // makes each slower on a small machine)
    emptyRegistry =
        ApicurioRegistry.start(ApicurioRegistry.Settings.forTest("composite-it-restore"));
    token =
        TokenClient.fetch(
            settings.tokenUrl(),
            StackSettings.SAMPLE_CLIENT_ID,
            settings.clientSecret(),
            StackSettings.SAMPLE_SCOPES);
    signingKey = RSAKey.parse(Files.readString(settings.keyFile()));
  }

  @AfterAll
  static void stopTheEmptyRegistry() {
    if (emptyRegistry != null) {
      emptyRegistry.close();
    }
  }

  /**
   * The stack is shared: if the export/import test stopped half way, put the sample back and wait
   * until both gateways serve it again, so that neither the next test nor the next class fails for
   * it.
   */
  @AfterEach
  void restoreTheSampleIfATestLeftItEmpty() throws Exception {
    // the subscription of the export test: the portal's test lists the sample client's own
    if (subscriptionToCancel != null) {
      send(0, "DELETE", "/subscriptions/" + subscriptionToCancel, token, null);
      subscriptionToCancel = null;
    }
    try (Stream<Path> apis = Files.list(configHome.resolve("apis"))) {
      if (apis.findAny().isPresent()) {
        return;
      }
    }
    SampleStack.copyTree(InfraPaths.home().resolve("apis"), configHome.resolve("apis"));
    SampleStack.copyTree(InfraPaths.home().resolve("workflows"), configHome.resolve("workflows"));
    for (int gateway = 0; gateway < 2; gateway++) {
      int g = gateway;
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> postOrder(g, token, String.format(ORDER, "sku-1")).statusCode() == 201);
    }
  }

  @Test
  void placesAnOrderThroughTheWorkflow() throws Exception {
    HttpResponse<String> response = postOrder(0, token, String.format(ORDER, "sku-1"));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("X-Run-Id")).isPresent();
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("orderId").asString()).startsWith("ord-");
    assertThat(body.path("reservationId").asString()).startsWith("res-");
    // the workflow's response mapping sets headers too
    assertThat(response.headers().firstValue("X-Order-Id"))
        .contains(body.path("orderId").asString());
  }

  @Test
  void rejectsCallWithoutToken() throws Exception {
    HttpResponse<String> response = postOrder(0, null, String.format(ORDER, "sku-1"));

    assertProblem(response, 401, "unauthorized");
    assertThat(response.headers().firstValue("X-Run-Id")).isPresent();
  }

  @Test
  void rejectsTokenWithBadSignature() throws Exception {
    RSAKey otherKey = new RSAKeyGenerator(2048).keyID(signingKey.getKeyID()).generate();
    String forged = sign(otherKey, claims().build());

    assertProblem(postOrder(0, forged, String.format(ORDER, "sku-1")), 401, "unauthorized");
  }

  @Test
  void rejectsExpiredToken() throws Exception {
    Instant past = Instant.now().minus(Duration.ofHours(2));
    String expired =
        sign(
            signingKey,
            claims()
                .issueTime(Date.from(past))
                .notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plus(Duration.ofMinutes(10))))
                .build());

    assertProblem(postOrder(0, expired, String.format(ORDER, "sku-1")), 401, "unauthorized");
  }

  @Test
  void rejectsTokenForAnotherAudience() throws Exception {
    String otherAudience = sign(signingKey, claims().audience("some-other-api").build());

    assertProblem(postOrder(0, otherAudience, String.format(ORDER, "sku-1")), 401, "unauthorized");
  }

  @Test
  void acceptsTokenSignedWithTheIssuersKey() throws Exception {
    // the control for the three rejections above: the same claims, properly signed, pass
    String valid = sign(signingKey, claims().build());

    assertThat(postOrder(0, valid, String.format(ORDER, "sku-1")).statusCode()).isEqualTo(201);
  }

  @Test
  void forbidsTokenWithoutTheOperationsScope() throws Exception {
    String readOnly =
        TokenClient.fetch(
            settings.tokenUrl(),
            StackSettings.SAMPLE_CLIENT_ID,
            settings.clientSecret(),
            "orders:read");

    HttpResponse<String> response = postOrder(0, readOnly, String.format(ORDER, "sku-1"));

    assertProblem(response, 403, "forbidden");
    assertThat(response.body()).contains("orders:write");
  }

  @Test
  void rejectsBodyWithoutSkuNamingTheField() throws Exception {
    HttpResponse<String> response = postOrder(0, token, "{\"customerId\":\"c-1\",\"quantity\":2}");

    assertProblem(response, 400, "invalid-request");
    assertThat(response.body()).contains("sku");
  }

  @Test
  void rejectsMalformedJson() throws Exception {
    assertProblem(postOrder(0, token, "{\"customerId\":"), 400, "invalid-request");
  }

  @Test
  void mapsBackendFailureToBadGateway() throws Exception {
    HttpResponse<String> response = postOrder(0, token, String.format(ORDER, "fail-1"));

    assertProblem(response, 502, "step-failed");
    assertThat(response.body()).contains("reserve");
  }

  @Test
  void answersAcceptedWhenTheDeadlinePassesAndKeepsTheResult() throws Exception {
    HttpRequest request =
        orderRequest(0, token, String.format(ORDER, "slow-2500"))
            .header("Prefer", "wait=1")
            .build();

    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(202);
    String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
    assertThat(response.headers().firstValue("Location")).contains("/runs/" + runId);
    JsonNode run = awaitRunEnded(0, runId);
    assertThat(run.path("status").asString()).isEqualTo("COMPLETED");
    assertThat(run.path("response").path("status").asInt()).isEqualTo(201);
    assertThat(run.path("response").path("body").path("orderId").asString()).startsWith("ord-");
  }

  @Test
  void answersAcceptedAtOnceWhenAskedToRespondAsync() throws Exception {
    HttpRequest request =
        orderRequest(1, token, String.format(ORDER, "sku-2"))
            .header("Prefer", "respond-async")
            .build();

    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(202);
    String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
    assertThat(awaitRunEnded(1, runId).path("status").asString()).isEqualTo("COMPLETED");
  }

  @Test
  void twoGatewaysUnderConcurrentLoadEachGetTheirOwnReplies() throws Exception {
    int callsPerGateway = 120;
    List<Future<HttpResponse<String>>> calls = new ArrayList<>();
    List<Integer> gatewayOfCall = new ArrayList<>();
    try (ExecutorService clients = Executors.newFixedThreadPool(32)) {
      for (int i = 0; i < callsPerGateway; i++) {
        for (int gateway = 0; gateway < 2; gateway++) {
          int g = gateway;
          String body = String.format(ORDER, "sku-load-" + g + "-" + i);
          gatewayOfCall.add(g);
          calls.add(clients.submit(() -> postOrder(g, token, body)));
        }
      }
      Set<String> runIds = new HashSet<>();
      Set<String> orderIds = new HashSet<>();
      for (int i = 0; i < calls.size(); i++) {
        HttpResponse<String> response = calls.get(i).get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
        String orderId = JSON.readTree(response.body()).path("orderId").asString();
        runIds.add(runId);
        orderIds.add(orderId);
        // the reply this gateway answered with is the one its own run produced: nothing crossed
        JsonNode run = getRun(gatewayOfCall.get(i), runId);
        assertThat(run.path("response").path("body").path("orderId").asString()).isEqualTo(orderId);
      }
      assertThat(runIds).hasSize(2 * callsPerGateway);
      assertThat(orderIds).hasSize(2 * callsPerGateway);
    }
  }

  /**
   * Config as code: export the running stack (catalog, workflows, registry subjects with a
   * two-version subject under FULL), empty its folders (the gateways stop serving the API), restore
   * the export into them and into an empty registry, and the sample APIs answer as before.
   */
  @Test
  void anExportRestoredIntoAnEmptyStackAnswersTheSame() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    RegistryClient source = new RegistryClient(stack.registryUrl(), null, http);
    RegistryClient restored = new RegistryClient(emptyRegistry.registryUrl(), null, http);
    String subject = "composite-it.exported-value";
    Schema v1 = new Schema.Parser().parse(record("Exported", ID));
    Schema v2 = new Schema.Parser().parse(record("Exported", ID + "," + optional("note")));
    source.register(subject, v1);
    source.setCompatibility(subject, CompatibilityMode.FULL);
    source.register(subject, v2);
    HttpResponse<String> orderBefore = postOrder(0, token, String.format(ORDER, "sku-1"));
    HttpResponse<String> petBefore = get(0, "/petstore/v3/pet/10");
    // a subscriber's key to the sample product: the export holds its hash, the restore revives it
    HttpResponse<String> subscribed =
        send(
            0, "POST", "/subscriptions", token, "{\"product\":\"starter\",\"displayName\":\"it\"}");
    assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(201);
    String key = JSON.readTree(subscribed.body()).path("key").asString();
    String subscriptionId =
        JSON.readTree(subscribed.body()).path("subscription").path("id").asString();
    subscriptionToCancel = subscriptionId;
    assertThat(withKey(0, key).statusCode()).isEqualTo(200);
    Path export = Files.createTempDirectory("junction-composite-it-export-").resolve("export");
    List<String> stackOptions = List.of("--home", configHome.toString());

    Command exported = config("export", export, stackOptions, "--registry", stack.registryUrl());
    // empty the stack: every gateway stops serving the sample API
    deleteContents(configHome.resolve("apis"));
    deleteContents(configHome.resolve("workflows"));
    assertThat(send(0, "DELETE", "/subscriptions/" + subscriptionId, token, null).statusCode())
        .isEqualTo(204);
    for (int gateway = 0; gateway < 2; gateway++) {
      int g = gateway;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> postOrder(g, token, String.format(ORDER, "sku-1")).statusCode() == 404);
    }
    List<String> restoredBefore = restored.subjects();
    Command dryRun =
        config(
            "import", export, stackOptions, "--registry", emptyRegistry.registryUrl(), "--dry-run");
    boolean dryRunChangedNothing;
    try (Stream<Path> left = Files.list(configHome.resolve("apis"))) {
      dryRunChangedNothing = left.findAny().isEmpty() && restored.subjects().equals(restoredBefore);
    }
    // the deleted subscription stays deleted through the dry run
    int keyAfterDryRun =
        send(0, "GET", "/subscriptions/" + subscriptionId, token, null).statusCode();
    Command imported =
        config("import", export, stackOptions, "--registry", emptyRegistry.registryUrl());
    Command importedAgain =
        config("import", export, stackOptions, "--registry", emptyRegistry.registryUrl());

    assertThat(orderBefore.statusCode()).as(orderBefore.body()).isEqualTo(201);
    assertThat(exported.status()).as(exported.output()).isZero();
    assertThat(exported.output()).contains("apis         5 file(s)", "workflows    1 file(s)");
    assertThat(exported.output()).containsPattern("subscriptions [1-9][0-9]* subscription\\(s\\)");
    assertThat(export.resolve("subscriptions/subscriptions.json"))
        .content()
        .contains(subscriptionId, "\"keyHash\"")
        .doesNotContain(key);
    assertThat(dryRun.status()).as(dryRun.output()).isZero();
    assertThat(dryRun.output())
        .contains("apis: 5 added, 0 changed, 0 removed, 0 unchanged")
        .contains("workflows: 1 added")
        .contains("  + " + subject + " (2 version(s); compatibility FULL)")
        .contains("  + " + subscriptionId + " (starter, sub:junction-sample, ACTIVE)")
        .contains("Dry run: nothing was changed.");
    assertThat(dryRunChangedNothing).isTrue();
    assertThat(keyAfterDryRun).isEqualTo(404);
    assertThat(imported.status()).as(imported.output()).isZero();
    assertThat(importedAgain.status()).isZero();
    assertThat(importedAgain.output())
        .contains("The stack already holds this configuration; nothing was changed.");
    // the registry holds every exported subject as the source does: versions in order, rules
    assertThat(restored.subjects()).contains(subject);
    for (String name : restored.subjects()) {
      if (name.equals("composite-it.checked-value")) {
        continue; // the other test's
      }
      assertThat(restored.versions(name)).as(name).isEqualTo(source.versions(name));
      assertThat(restored.compatibility(name)).as(name).isEqualTo(source.compatibility(name));
    }
    assertThat(restored.versions(subject)).containsExactly(v1, v2);
    // the files are the sample's, and both gateways serve them again
    for (String file :
        List.of("apis/orders-v1.yaml", "apis/petstore-v3.yaml", "workflows/create-order.yaml")) {
      assertThat(configHome.resolve(file)).hasSameTextualContentAs(InfraPaths.home().resolve(file));
    }
    for (int gateway = 0; gateway < 2; gateway++) {
      int g = gateway;
      // each gateway and the orchestrator reload on their own scan (2 s): the API answers as
      // before once both have
      HttpResponse<String> orderAfter =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> postOrder(g, token, String.format(ORDER, "sku-1")),
                  response -> response.statusCode() == orderBefore.statusCode());
      assertThat(fieldNames(orderAfter)).isEqualTo(fieldNames(orderBefore));
      assertThat(JSON.readTree(orderAfter.body()).path("status"))
          .isEqualTo(JSON.readTree(orderBefore.body()).path("status"));
      HttpResponse<String> petAfter = get(g, "/petstore/v3/pet/10");
      assertThat(petAfter.statusCode()).isEqualTo(petBefore.statusCode());
      assertThat(JSON.readTree(petAfter.body())).isEqualTo(JSON.readTree(petBefore.body()));
      // the restored subscription's key, which its owner kept, works again on every gateway (each
      // reads the subscriptions topic on its own)
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> withKey(g, key).statusCode() == 200);
    }
  }

  /** The Petstore with a subscription key and no token. */
  private static HttpResponse<String> withKey(int gateway, String key) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(gateway) + "/petstore/v3/pet/10"))
            .timeout(Duration.ofSeconds(30))
            .header("Junction-Subscription-Key", key)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(
      int gateway, String method, String path, String bearer, String json) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(gateway) + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "application/json")
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Import checks each schema version the target lacks against the target's versions under the
   * subject's rule, and registers the versions in order after setting the rule.
   */
  @Test
  void importChecksNewSchemaVersionsAgainstTheTargetRegistry() throws Exception {
    RegistryClient target =
        new RegistryClient(emptyRegistry.registryUrl(), null, HttpClient.newHttpClient());
    String subject = "composite-it.checked-value";
    String schema1 = record("Checked", ID);
    String breaking = record("Checked", ID + ",{\"name\":\"coupon\",\"type\":\"string\"}");
    String compatible = record("Checked", ID + "," + optional("coupon"));
    List<String> noFiles =
        List.of("--home", Files.createTempDirectory("junction-it-none").toString());
    String registry = emptyRegistry.registryUrl();

    Command first =
        config(
            "import",
            registryExport(subject, "BACKWARD", schema1),
            noFiles,
            "--registry",
            registry);
    Command refused =
        config(
            "import",
            registryExport(subject, "FULL", schema1, breaking),
            noFiles,
            "--registry",
            registry,
            "--dry-run");
    Command evolved =
        config(
            "import",
            registryExport(subject, "FULL", schema1, compatible),
            noFiles,
            "--registry",
            registry);

    assertThat(first.status()).as(first.output()).isZero();
    assertThat(first.output())
        .contains("  + " + subject + " (1 version(s); compatibility BACKWARD)")
        .contains("apis: not in the export");
    assertThat(refused.status()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output())
        .contains("The export is not valid; nothing was changed:")
        .contains(
            "registry/subjects.yaml: " + subject + " version 2 (registry/" + subject + "/v2.avsc)")
        .contains("field 'coupon' breaks FULL");
    assertThat(evolved.status()).as(evolved.output()).isZero();
    assertThat(evolved.output())
        .contains("  ~ " + subject + " (+1 version(s); compatibility BACKWARD -> FULL)");
    assertThat(target.versions(subject))
        .containsExactly(new Schema.Parser().parse(schema1), new Schema.Parser().parse(compatible));
    assertThat(target.compatibility(subject)).hasValue(CompatibilityMode.FULL);
  }

  private static String record(String name, String fields) {
    return "{\"type\":\"record\",\"name\":\"%s\",\"namespace\":\"it\",\"fields\":[%s]}"
        .formatted(name, fields);
  }

  /** A string field with a default: adding it is compatible both ways. */
  private static String optional(String name) {
    return "{\"name\":\"%s\",\"type\":\"string\",\"default\":\"\"}".formatted(name);
  }

  /** An export holding only one registry subject. */
  private static Path registryExport(String subject, String mode, String... schemas)
      throws IOException {
    Path dir = Files.createTempDirectory("junction-it-registry-export-");
    Files.writeString(dir.resolve("junction-export.yaml"), "format: 1\nincludes: [registry]\n");
    StringBuilder index =
        new StringBuilder("subjects:\n  - subject: " + subject + "\n    compatibility: " + mode);
    index.append("\n    versions:\n");
    for (int i = 0; i < schemas.length; i++) {
      String file = "registry/" + subject + "/v" + (i + 1) + ".avsc";
      Files.createDirectories(dir.resolve(file).getParent());
      Files.writeString(dir.resolve(file), schemas[i]);
      index.append("      - {version: %d, file: %s}\n".formatted(i + 1, file));
    }
    Files.writeString(dir.resolve("registry/subjects.yaml"), index.toString());
    return dir;
  }

  private record Command(int status, String output) {}

  private static Command config(
      String command, Path export, List<String> stackOptions, String... options) {
    List<String> arguments = new ArrayList<>(List.of(export.toString()));
    arguments.addAll(stackOptions);
    arguments.addAll(List.of(options));
    arguments.addAll(List.of("--gateway", settings.gatewayUrl(0)));
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    // the gateway's subscriptions, with an operator token of the stack's sample client
    Map<String, String> environment =
        Map.of(
            "JUNCTION_GATEWAY_TOKEN_URL", settings.tokenUrl(),
            "JUNCTION_GATEWAY_CLIENT_SECRET", settings.clientSecret());
    int status =
        ConfigCommand.run(
            command,
            InfraPaths.home(),
            arguments,
            environment,
            new PrintStream(output, true, StandardCharsets.UTF_8));
    return new Command(status, output.toString(StandardCharsets.UTF_8));
  }

  private static Set<String> fieldNames(HttpResponse<String> response) {
    Set<String> names = new HashSet<>();
    JSON.readTree(response.body()).properties().forEach(field -> names.add(field.getKey()));
    return names;
  }

  private static HttpResponse<String> get(int gateway, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(gateway) + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void deleteContents(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        if (!path.equals(dir)) {
          Files.delete(path);
        }
      }
    }
  }

  /**
   * Polls the run until it ended. Right after a 202 the orchestrator may not have picked the
   * command up yet (404 for a moment, on a loaded machine), so failed polls are retried.
   */
  private static JsonNode awaitRunEnded(int gateway, String runId) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> getRun(gateway, runId), run -> !run.path("status").asString().equals("RUNNING"));
  }

  private static JsonNode getRun(int gateway, String runId) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(gateway) + "/runs/" + runId))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> postOrder(int gateway, String bearer, String body)
      throws Exception {
    return HTTP.send(
        orderRequest(gateway, bearer, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder orderRequest(int gateway, String bearer, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(gateway) + "/orders/v1/orders"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return request;
  }

  private static void assertProblem(HttpResponse<String> response, int status, String kind)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.path("type").asString()).endsWith("/" + kind);
    assertThat(problem.path("status").asInt()).isEqualTo(status);
  }

  private static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(settings.issuerUrl())
        .subject("it-client")
        .audience(StackSettings.GATEWAY_AUDIENCE)
        .claim("scope", List.of("orders:write"))
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
  }

  private static String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
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
}
