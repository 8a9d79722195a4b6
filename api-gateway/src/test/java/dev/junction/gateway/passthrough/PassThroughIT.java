package dev.junction.gateway.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.junction.gateway.Fixtures;
import dev.junction.gateway.GatewayTestSupport;
import dev.junction.gateway.openapi.OpenApiImporter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pass-through APIs through a running gateway (real broker, registry and JWKS) to a real HTTP
 * backend: proxying, path mapping, retries of idempotent methods only, timeouts, unreachable
 * backends, the circuit breaker and mock responses.
 */
class PassThroughIT {

  private static final JsonMapper JSON = JsonMapper.shared();

  private static GatewayTestSupport stack;
  private static HttpServer backend;
  private static String gateway;
  private static String token;

  /** Last request the backend saw, per path: method, path and query, Authorization, body. */
  private static final Map<String, String> seen = new ConcurrentHashMap<>();

  /** Request headers of the last request the backend saw, per path. */
  private static final Map<String, com.sun.net.httpserver.Headers> headersSeen =
      new ConcurrentHashMap<>();

  /** The named values' contents: they reach the backend, never an export. */
  private static final String ENV_SECRET = "it-env-secret-4711";

  private static final String FILE_SECRET = "it-file-secret-0815";

  /** Calls per path and {@code X-Test-Key}. */
  private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    stack = GatewayTestSupport.start("passthrough-it");
    startBackend();
    String url = "http://127.0.0.1:" + backend.getAddress().getPort() + "/api";
    Path catalog = Files.createTempDirectory("passthrough-it-apis");
    Files.writeString(
        catalog.resolve("pets-v1.yaml"),
        """
        name: pets
        version: v1
        basePath: /pets/v1
        backend:
          url: %s
          timeout: 2s
          retry: {retries: 2, backoff: 10ms}
          circuitBreaker: {enabled: false}
        operations:
          - {id: listPets, method: GET, path: /pets, scopes: ["pets:read"]}
          - {id: findPets, method: GET, path: /pets/search}
          - {id: getPet, method: GET, path: "/pets/{petId}"}
          - {id: addPet, method: POST, path: /pets}
          - {id: getFlaky, method: GET, path: /flaky}
          - {id: postFlaky, method: POST, path: /flaky}
          - id: getSlow
            method: GET
            path: /slow
            backend:
              url: %s
              timeout: 300ms
              retry: {retries: 0}
              circuitBreaker: {enabled: false}
          - id: getLimited
            method: GET
            path: /limited
            policies:
              rateLimit: {limit: 3, window: 30s, key: client}
          - id: getLegacyPet
            method: GET
            path: "/legacy/{petId}"
            policies:
              transform:
                request:
                  rewritePath: "/animals/{petId}/card"
                  setHeaders: {X-Api-Key: "{{pets-api-key}}", X-Pet: "{{request.pathParams.petId}}"}
                  removeHeaders: [X-Debug]
                response:
                  setHeaders: {X-Served-By: "junction {{request.method}}"}
                  removeHeaders: [X-Backend]
          - id: adoptPet
            method: POST
            path: "/adopt/{petId}"
            policies:
              transform:
                request:
                  rewritePath: /adoptions
                  setHeaders: {Authorization: "Bearer {{partner-token}}"}
                  body:
                    template:
                      pet: "{{request.pathParams.petId}}"
                      adopter: "{{request.body.name}}"
                      via: "{{request.headers.X-Channel}}"
                response:
                  body:
                    contentType: application/json
                    template: >-
                      {"adopted": true, "status": {{response.status}},
                      "where": "{{response.body.path}}", "backend": {{{response.body}}}}
          - id: getMockedCard
            method: GET
            path: "/cards/{petId}"
            mock: {status: 200, headers: {X-Mock-Source: examples}, body: {id: 7, name: Rex}}
            policies:
              transform:
                response:
                  setHeaders: {X-Card-For: "{{request.pathParams.petId}}"}
                  removeHeaders: [X-Mock-Source]
                  body:
                    contentType: text/plain
                    template: "{{response.body.name}} ({{response.headers.X-Mock-Source}})"
          - id: getMocked
            method: GET
            path: /mocked
            mock:
              status: 200
              headers: {Cache-Control: no-store}
              body: {id: 7, name: Rex}
        """
            .formatted(url, url));
    Files.writeString(
        catalog.resolve("fragile-v1.yaml"),
        """
        name: fragile
        version: v1
        basePath: /fragile/v1
        backend:
          url: %s
          retry: {retries: 0}
          circuitBreaker: {failureRateThreshold: 50, slidingWindow: 4, minimumCalls: 4, openFor: 30s}
        operations:
          - {id: broken, method: GET, path: /broken}
        """
            .formatted(url));
    Files.writeString(
        catalog.resolve("gone-v1.yaml"),
        """
        name: gone
        version: v1
        basePath: /gone/v1
        backend:
          url: http://127.0.0.1:%d
          retry: {retries: 1, backoff: 10ms}
        operations:
          - {id: anything, method: GET, path: /anything}
        """
            .formatted(GatewayTestSupport.closedPort()));
    String zoo =
        """
        name: zoo
        version: %s
        versionScheme: header
        basePath: /zoo
        backend: {url: %s, circuitBreaker: {enabled: false}}
        policies:
          transform:
            request:
              setHeaders: {X-Zoo-Version: "%s"}
        operations:
          - {id: listAnimals, method: GET, path: /animals}
        """;
    Files.writeString(
        catalog.resolve("zoo-v1.yaml"), zoo.formatted("v1", url, "v1") + "defaultVersion: v1\n");
    Files.writeString(
        catalog.resolve("zoo-v2.yaml"),
        zoo.formatted("v2", url, "v2")
            + """
            revision: 2
            changeLog:
              - {revision: 1, date: 2026-11-02, description: First release of v2}
              - {revision: 2, date: 2026-11-20, description: Animals carry their keeper}
            """);
    Files.writeString(
        catalog.resolve("zoo-v2-rev3.yaml"),
        zoo.formatted("v2", url, "v2;rev=3")
            + """
            revision: 3
            current: false
            changeLog:
              - {revision: 3, date: 2026-11-25, description: "Being tested, animals by zone"}
            """);
    Files.writeString(
        catalog.resolve("farm-v1.yaml"),
        """
        name: farm
        version: v1
        versionScheme: header
        basePath: /farm
        backend: {url: %s}
        operations:
          - {id: listCows, method: GET, path: /cows}
        """
            .formatted(url));
    Path tokenFile = Files.createTempFile(catalog.getParent(), "partner-token", ".txt");
    Files.writeString(tokenFile, FILE_SECRET + "\n");
    new OpenApiImporter()
        .importFile(
            Fixtures.file("openapi/swagger-petstore-v3-openapi.yaml"),
            catalog,
            new OpenApiImporter.Options("petstore", "v3", null, null, true, null, false));
    gateway =
        stack.startGateway(
            catalog,
            0,
            "--junction.gateway.named-values.pets-api-key.env=JUNCTION_IT_PETS_API_KEY",
            "--junction.gateway.named-values.partner-token.file=" + tokenFile);
    token = stack.token("shop-frontend", "pets:read");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
    if (backend != null) {
      backend.stop(0);
    }
  }

  private static void startBackend() throws IOException {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext(
        "/api/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String key = exchange.getRequestHeaders().getFirst("X-Test-Key");
          int call =
              calls.computeIfAbsent(path + " " + key, k -> new AtomicInteger()).incrementAndGet();
          headersSeen.put(path, exchange.getRequestHeaders());
          seen.put(
              path,
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI()
                  + " auth="
                  + exchange.getRequestHeaders().getFirst("Authorization")
                  + " body="
                  + body);
          switch (path) {
            case "/api/flaky" -> {
              if (call <= 2) {
                respond(exchange, 503, "{\"error\":\"busy\"}");
              } else {
                respond(exchange, 200, "{\"call\":" + call + "}");
              }
            }
            case "/api/slow" -> {
              sleep(1500);
              respond(exchange, 200, "{}");
            }
            case "/api/broken" -> respond(exchange, 500, "{\"error\":\"backend bug\"}");
            default ->
                respond(
                    exchange,
                    exchange.getRequestMethod().equals("POST") ? 201 : 200,
                    "{\"path\":\"" + path + "\"}");
          }
        });
    backend.start();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("X-Backend", "pets");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis); // the backend's own slowness, not a wait in the test
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static HttpResponse<String> get(String path, String... headers) {
    return stack.send("GET", gateway + path, token, null, headers);
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  @Test
  void proxiesToTheBackendUnderItsOwnPathWithoutTheCallersToken() {
    HttpResponse<String> response = get("/pets/v1/pets?kind=dog&limit=2");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Backend")).hasValue("pets");
    assertThat(response.headers().firstValue("X-Run-Id")).isPresent();
    assertThat(json(response).get("path").asString()).isEqualTo("/api/pets");
    assertThat(seen.get("/api/pets")).isEqualTo("GET /api/pets?kind=dog&limit=2 auth=null body=");
  }

  @Test
  void prefersALiteralPathToATemplateThatWouldMatchIt() {
    assertThat(json(get("/pets/v1/pets/search")).get("path").asString())
        .isEqualTo("/api/pets/search");
    assertThat(json(get("/pets/v1/pets/42")).get("path").asString()).isEqualTo("/api/pets/42");
  }

  @Test
  void forwardsTheRequestBody() {
    HttpResponse<String> response =
        stack.send("POST", gateway + "/pets/v1/pets", token, "{\"name\":\"Rex\"}");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(seen.get("/api/pets")).isEqualTo("POST /api/pets auth=null body={\"name\":\"Rex\"}");
  }

  @Test
  void stillChecksTokenAndScopes() {
    assertProblem(stack.send("GET", gateway + "/pets/v1/pets", null, null), 401, "unauthorized");
    String noScope = stack.token("shop-frontend", "orders:read");
    assertProblem(stack.send("GET", gateway + "/pets/v1/pets", noScope, null), 403, "forbidden");
  }

  @Test
  void retriesAnIdempotentCallThatFailedWith503() {
    HttpResponse<String> response = get("/pets/v1/flaky", "X-Test-Key", "get-retried");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("call").asInt()).isEqualTo(3);
    assertThat(calls.get("/api/flaky get-retried").get()).isEqualTo(3);
  }

  @Test
  void neverRetriesAPost() {
    HttpResponse<String> response =
        stack.send("POST", gateway + "/pets/v1/flaky", token, "{}", "X-Test-Key", "post-once");

    // the backend's own answer, unchanged
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("{\"error\":\"busy\"}");
    assertThat(calls.get("/api/flaky post-once").get()).isEqualTo(1);
  }

  @Test
  void answers504WhenTheBackendIsTooSlow() {
    long started = System.nanoTime();
    HttpResponse<String> response = get("/pets/v1/slow");

    assertProblem(response, 504, "backend-timeout");
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1400);
  }

  @Test
  void answers502WhenTheBackendCannotBeReached() {
    HttpResponse<String> response = get("/gone/v1/anything");

    assertProblem(response, 502, "backend-unreachable");
    assertThat(json(response).get("detail").asString()).startsWith("cannot connect to http://");
  }

  @Test
  void opensTheCircuitAfterRepeatedFailuresAndStopsCallingTheBackend() {
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> failed = get("/fragile/v1/broken");
      assertThat(failed.statusCode()).as("call %d", i).isEqualTo(500);
      assertThat(failed.body()).isEqualTo("{\"error\":\"backend bug\"}");
    }
    int before = calls.get("/api/broken null").get();

    HttpResponse<String> refused = get("/fragile/v1/broken");

    assertProblem(refused, 503, "backend-circuit-open");
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("30");
    assertThat(calls.get("/api/broken null").get()).isEqualTo(before);
  }

  @Test
  void answersAMockWithoutCallingAnyBackend() {
    HttpResponse<String> response = get("/pets/v1/mocked");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(response.headers().firstValue("X-Junction-Mock")).hasValue("true");
    assertThat(JSON.readTree(response.body()))
        .isEqualTo(JSON.readTree("{\"id\":7,\"name\":\"Rex\"}"));
    assertThat(seen).doesNotContainKey("/api/mocked");
  }

  @Test
  void servesThePetstoreImportedFromItsOpenApiDocumentWithMocks() {
    HttpResponse<String> pet = get("/petstore/v3/pet/10");
    HttpResponse<String> byStatus = get("/petstore/v3/pet/findByStatus?status=available");

    assertThat(pet.statusCode()).isEqualTo(200);
    assertThat(json(pet).get("name").asString()).isEqualTo("doggie");
    assertThat(byStatus.statusCode()).isEqualTo(200);
    assertThat(json(byStatus).isArray()).isTrue();
    assertThat(json(byStatus).get(0).get("name").asString()).isEqualTo("doggie");
  }

  @Test
  void exportsEveryApiAsOpenApi30ThatValidatesAgainstTheSchema() {
    for (String api : List.of("petstore/v3", "pets/v1", "fragile/v1")) {
      HttpResponse<String> response = get("/apis/" + api + "/openapi.json");

      assertThat(response.statusCode()).as(api).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(Fixtures.openApi30Violations(json(response))).as(api).isEmpty();
    }
    JsonNode petstore = json(get("/apis/petstore/v3/openapi.json"));
    assertThat(petstore.get("paths").get("/pet/{petId}").get("get").get("operationId").asString())
        .isEqualTo("getPetById");
    assertThat(petstore.get("components").get("schemas").has("Pet")).isTrue();
    assertProblem(get("/apis/nothing/v9/openapi.json"), 404, "not-found");
  }

  @Test
  void limitsEachClientToItsQuotaInMemory() {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> admitted = get("/pets/v1/limited");
      assertThat(admitted.statusCode()).as("call %d", i).isEqualTo(200);
      assertThat(admitted.headers().firstValue("RateLimit-Policy"))
          .hasValue("\"pets-v1.getLimited\";q=3;w=30");
      assertThat(admitted.headers().firstValue("RateLimit").orElseThrow())
          .startsWith("\"pets-v1.getLimited\";r=" + (2 - i) + ";t=");
    }

    HttpResponse<String> refused = get("/pets/v1/limited");

    assertProblem(refused, 429, "rate-limited");
    assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 30L);
    assertThat(refused.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"pets-v1.getLimited\";r=0;t=");
    String otherClient = stack.token("back-office", "pets:read");
    assertThat(stack.send("GET", gateway + "/pets/v1/limited", otherClient, null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void answersUnknownMethodsOnAPassThroughPathWith405() {
    HttpResponse<String> response = stack.send("DELETE", gateway + "/pets/v1/pets", token, null);

    assertProblem(response, 405, "method-not-allowed");
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, POST");
  }

  @Test
  void selectsTheVersionByTheApiVersionHeaderOrTheDefault() {
    get("/zoo/animals", "Api-Version", "v2");
    assertThat(headersSeen.get("/api/animals").getFirst("X-Zoo-Version")).isEqualTo("v2");
    get("/zoo/animals");
    assertThat(headersSeen.get("/api/animals").getFirst("X-Zoo-Version")).isEqualTo("v1");

    HttpResponse<String> unknown = get("/zoo/animals", "Api-Version", "v9");
    assertProblem(unknown, 404, "api-version-unknown");
    assertThat(json(unknown).get("detail").asString()).contains("v9").contains("v1, v2");
    HttpResponse<String> missing = get("/farm/cows");
    assertProblem(missing, 400, "api-version-required");
    assertThat(json(missing).get("detail").asString()).contains("Api-Version").contains("v1");
    assertThat(get("/farm/cows", "Api-Version", "v1").statusCode()).isEqualTo(200);
  }

  @Test
  void servesTheCurrentRevisionUnlessAnotherIsAskedFor() {
    get("/zoo/animals", "Api-Version", "v2");
    assertThat(headersSeen.get("/api/animals").getFirst("X-Zoo-Version")).isEqualTo("v2");
    get("/zoo/animals", "Api-Version", "v2", "Api-Revision", "3");
    assertThat(headersSeen.get("/api/animals").getFirst("X-Zoo-Version")).isEqualTo("v2;rev=3");

    HttpResponse<String> unknown = get("/zoo/animals", "Api-Version", "v2", "Api-Revision", "7");
    assertProblem(unknown, 404, "api-revision-unknown");
    assertThat(json(unknown).get("detail").asString()).contains("2, 3");
    JsonNode current = json(get("/apis/zoo/v2/openapi.json"));
    JsonNode tested = json(get("/apis/zoo/v2/openapi.json", "Api-Revision", "3"));
    assertThat(current.get("info").get("x-junction-revision").asInt()).isEqualTo(2);
    assertThat(tested.get("info").get("x-junction-revision").asInt()).isEqualTo(3);
  }

  @Test
  void exportsTheChangeLogInOpenApiAndThePortalCatalog() {
    JsonNode document = json(get("/apis/zoo/v2/openapi.json"));

    assertThat(Fixtures.openApi30Violations(document)).isEmpty();
    JsonNode changeLog = document.get("info").get("x-junction-changelog");
    assertThat(changeLog).hasSize(2);
    assertThat(changeLog.get(1).get("description").asString())
        .isEqualTo("Animals carry their keeper");
    assertThat(document.get("info").get("description").asString())
        .contains("2026-11-20 (revision 2): Animals carry their keeper");
    JsonNode portal = json(get("/portal/api/catalog"));
    JsonNode zooV2 = null;
    for (JsonNode api : portal) {
      if (api.get("name").asString().equals("zoo") && api.get("version").asString().equals("v2")) {
        assertThat(zooV2).as("one entry per current revision").isNull();
        zooV2 = api;
      }
    }
    assertThat(zooV2).isNotNull();
    assertThat(zooV2.get("versioning").get("scheme").asString()).isEqualTo("header");
    assertThat(zooV2.get("versioning").get("revisions").toString()).isEqualTo("[2,3]");
    assertThat(zooV2.get("versioning").get("changeLog").get(0).get("date").asString())
        .isEqualTo("2026-11-20");
  }

  @Test
  void rewritesThePathAndSetsAndRemovesHeadersBothWays() {
    HttpResponse<String> response =
        get("/pets/v1/legacy/42?full=yes", "X-Debug", "1", "X-Api-Key", "from-the-client");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(seen.get("/api/animals/42/card")).startsWith("GET /api/animals/42/card?full=yes");
    com.sun.net.httpserver.Headers backendSaw = headersSeen.get("/api/animals/42/card");
    assertThat(backendSaw.getFirst("X-Api-Key")).isEqualTo(ENV_SECRET);
    assertThat(backendSaw.getFirst("X-Pet")).isEqualTo("42");
    assertThat(backendSaw.containsKey("X-Debug")).isFalse();
    assertThat(response.headers().firstValue("X-Served-By")).hasValue("junction GET");
    assertThat(response.headers().firstValue("X-Backend")).isEmpty();
  }

  @Test
  void setsRequestAndResponseBodiesFromTemplates() {
    HttpResponse<String> response =
        stack.send(
            "POST",
            gateway + "/pets/v1/adopt/7",
            token,
            "{\"name\":\"Ann \\\"the\\\" great\",\"ignored\":1}",
            "X-Channel",
            "web");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(JSON.readTree(response.body()))
        .isEqualTo(
            JSON.readTree(
                "{\"adopted\":true,\"status\":201,\"where\":\"/api/adoptions\","
                    + "\"backend\":{\"path\":\"/api/adoptions\"}}"));
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(seen.get("/api/adoptions"))
        .isEqualTo(
            "POST /api/adoptions auth=Bearer "
                + FILE_SECRET
                + " body={\"pet\":\"7\",\"adopter\":\"Ann \\\"the\\\" great\",\"via\":\"web\"}");
  }

  @Test
  void transformsMockAnswersToo() {
    HttpResponse<String> response = get("/pets/v1/cards/9");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("Rex (examples)");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
    assertThat(response.headers().firstValue("X-Card-For")).hasValue("9");
    assertThat(response.headers().firstValue("X-Mock-Source")).isEmpty();
    JsonNode parameters =
        json(get("/apis/zoo/v2/openapi.json"))
            .get("paths")
            .get("/animals")
            .get("get")
            .get("parameters");
    assertThat(parameters.get(0).get("name").asString()).isEqualTo("Api-Version");
  }

  @Test
  void neverExportsNamedValues() {
    for (String path :
        List.of("/apis/pets/v1/openapi.json", "/portal/api/catalog", "/apis/zoo/v1/openapi.json")) {
      String body = get(path).body();
      assertThat(body).as(path).doesNotContain(ENV_SECRET).doesNotContain(FILE_SECRET);
    }
  }

  private static void assertProblem(HttpResponse<String> response, int status, String kind) {
    GatewayTestSupport.assertProblem(response, status, kind);
  }
}
