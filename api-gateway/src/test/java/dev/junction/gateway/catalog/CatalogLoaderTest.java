package dev.junction.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;

class CatalogLoaderTest {

  static final String SCHEMA =
      """
      {"type":"record","name":"CreateOrderRequest","fields":[{"name":"sku","type":"string"}]}
      """;

  static final String GOOD =
      """
      name: orders
      version: v1
      title: Orders
      basePath: /orders/v1
      operations:
        - id: createOrder
          method: POST
          path: /orders
          scopes: [orders:write]
          request:
            schema: schemas/CreateOrderRequest.avsc
          backend:
            workflow: create-order
          timeout: 5s
          onTimeout: gateway-timeout
        - id: getOrder
          method: GET
          path: /orders/{orderId}
          backend:
            workflow: get-order
      """;

  @TempDir Path dir;
  private final CatalogLoader loader = new CatalogLoader(Duration.ofSeconds(10));

  @BeforeEach
  void writeSchema() throws IOException {
    Files.createDirectories(dir.resolve("schemas"));
    Files.writeString(dir.resolve("schemas/CreateOrderRequest.avsc"), SCHEMA);
  }

  Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  List<String> problems(String content) throws IOException {
    Path file = write("api.yaml", content);
    try {
      loader.load(dir, file);
    } catch (CatalogException e) {
      assertThat(e.source()).isEqualTo("api.yaml");
      assertThat(e.getMessage()).contains("api.yaml");
      return e.problems();
    }
    throw new AssertionError("expected the file to be refused");
  }

  @Test
  void loadsAValidFile() throws IOException {
    ApiDefinition api = loader.load(dir, write("orders-v1.yaml", GOOD));

    assertThat(api.name()).isEqualTo("orders");
    assertThat(api.source()).isEqualTo("orders-v1.yaml");
    assertThat(api.operations()).hasSize(2);
    Operation create = api.operations().getFirst();
    assertThat(create.method()).isEqualTo(HttpMethod.POST);
    assertThat(create.path()).isEqualTo("/orders/v1/orders");
    assertThat(create.scopes()).containsExactly("orders:write");
    assertThat(create.requestSchema())
        .hasValueSatisfying(s -> assertThat(s.getName()).isEqualTo("CreateOrderRequest"));
    assertThat(create.workflow()).isEqualTo("create-order");
    assertThat(create.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(create.onTimeout()).isEqualTo(OnTimeout.GATEWAY_TIMEOUT);
    Operation get = api.operations().get(1);
    assertThat(get.path()).isEqualTo("/orders/v1/orders/{orderId}");
    assertThat(get.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(get.onTimeout()).isEqualTo(OnTimeout.ACCEPTED);
    assertThat(get.requestSchema()).isEmpty();
    assertThat(create.unknownFields()).isEqualTo(UnknownFields.REFUSE);
  }

  @Test
  void readsTheApisUnknownFieldsSetting() throws IOException {
    ApiDefinition api =
        loader.load(
            dir,
            write(
                "orders-v1.yaml",
                GOOD.replace("title: Orders", "title: Orders\nunknownFields: drop")));

    assertThat(api.operations())
        .extracting(Operation::unknownFields)
        .containsOnly(UnknownFields.DROP);
    assertThat(problems(GOOD.replace("title: Orders", "title: Orders\nunknownFields: ignore")))
        .containsExactly("unknownFields: must be refuse or drop, got 'ignore'");
  }

  @Test
  void readsTheApisTagsAndDeprecation() throws IOException {
    ApiDefinition plain = loader.load(dir, write("orders-v1.yaml", GOOD));
    ApiDefinition tagged =
        loader.load(
            dir,
            write(
                "orders-v1.yaml",
                GOOD.replace(
                    "title: Orders", "title: Orders\ntags: [sales, saga]\ndeprecated: true")));

    assertThat(plain.tags()).isEmpty();
    assertThat(plain.deprecated()).isFalse();
    assertThat(tagged.tags()).containsExactly("sales", "saga");
    assertThat(tagged.deprecated()).isTrue();
    assertThat(
            problems(GOOD.replace("title: Orders", "title: Orders\ntags: sales\ndeprecated: soon")))
        .containsExactlyInAnyOrder("tags: must be a list", "deprecated: must be true or false");
  }

  @Test
  void loadsTheSampleCatalog() {
    Path apis = Path.of("../apis");
    ApiDefinition api = loader.load(apis, apis.resolve("orders-v1.yaml"));

    assertThat(api.operations()).extracting(Operation::id).containsExactly("createOrder");
  }

  static final String PASS_THROUGH =
      """
      name: pets
      version: v1
      basePath: /pets/v1
      backend:
        url: http://127.0.0.1:9100/api/
        timeout: 2s
        retry: {retries: 1, methods: [GET], backoff: 50ms}
        circuitBreaker: {failureRateThreshold: 40, slidingWindow: 10, minimumCalls: 4, openFor: 5s}
      policies:
        rateLimit: {limit: 20, window: 10s, key: client}
      operations:
        - id: listPets
          method: GET
          path: /pets
          policies:
            rateLimit:
              - {limit: 5, window: 1s, key: "header:X-Api-Key"}
        - id: getPet
          method: GET
          path: /pets/{petId}
          mock:
            status: 200
            body: {id: 1, name: Rex}
        - id: addPet
          method: POST
          path: /pets
          backend:
            url: https://pets.example/v2
      """;

  @Test
  void loadsAPassThroughApiWithItsPolicies() throws IOException {
    ApiDefinition api = loader.load(dir, write("pets-v1.yaml", PASS_THROUGH));

    Operation list = api.operations().get(0);
    Backend.Http http = (Backend.Http) list.backend();
    assertThat(http.url()).hasToString("http://127.0.0.1:9100/api");
    assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(http.retry())
        .isEqualTo(new RetryPolicy(1, java.util.Set.of(HttpMethod.GET), Duration.ofMillis(50)));
    assertThat(http.circuitBreaker())
        .isEqualTo(new CircuitBreakerPolicy(true, 40, 10, 4, Duration.ofSeconds(5)));
    assertThat(list.rateLimits())
        .containsExactly(
            new RateLimitPolicy(
                "pets-v1",
                20,
                Duration.ofSeconds(10),
                new RateLimitKey(RateLimitKey.Kind.CLIENT, null)),
            new RateLimitPolicy(
                "pets-v1.listPets#0",
                5,
                Duration.ofSeconds(1),
                new RateLimitKey(RateLimitKey.Kind.HEADER, "X-Api-Key")));
    assertThat(api.operations().get(1).backend())
        .isEqualTo(
            new Backend.Mock(
                new MockResponse(
                    200, "application/json", java.util.Map.of(), "{\"id\":1,\"name\":\"Rex\"}")));
    Backend.Http own = (Backend.Http) api.operations().get(2).backend();
    assertThat(own.url()).hasToString("https://pets.example/v2");
    assertThat(own.retry()).isEqualTo(RetryPolicy.DEFAULT);
    assertThat(own.circuitBreaker()).isEqualTo(CircuitBreakerPolicy.DEFAULT);
  }

  @Test
  void namesEveryMistakeOfAPassThroughApi() throws IOException {
    String bad =
        PASS_THROUGH
            .replace("url: http://127.0.0.1:9100/api/", "url: ftp://files.example/x?y=1")
            .replace("retries: 1", "retries: -1")
            .replace("methods: [GET]", "methods: [get]")
            .replace("minimumCalls: 4", "minimumCalls: many")
            .replace("limit: 20, window: 10s, key: client", "limit: 0, key: everyone")
            .replace("status: 200", "status: 700")
            .replace("url: https://pets.example/v2", "queue: q");

    assertThat(problems(bad))
        .containsExactlyInAnyOrder(
            "backend.url: must be an http or https URL without query or fragment, got"
                + " 'ftp://files.example/x?y=1'",
            "backend.retry.retries: must be a whole number from 0 to 10, got '-1'",
            "backend.retry.methods[0]: must be an HTTP method in capitals, got 'get'",
            "backend.circuitBreaker.minimumCalls: must be a whole number from 1 to 10000, got"
                + " 'many'",
            "policies.rateLimit.limit: must be a whole number from 1 to 1000000000, got '0'",
            "policies.rateLimit.window: is required (e.g. 10s, 1m, 1d)",
            "policies.rateLimit.key: must be client, subject, ip, subscription or header:NAME, got 'everyone'",
            "operations[1].mock.status: must be a whole number from 100 to 599, got '700'",
            "operations[2].backend: must have exactly one of 'workflow' and 'url'");
  }

  static final String GUARDED =
      """
      name: shop
      version: v1
      basePath: /shop/v1
      policies:
        cors: {allowedOrigins: ["https://shop.example"], maxAge: 10m}
        methods: [GET]
        ipFilter: {allow: [10.0.0.0/8, "fd00::/8"], deny: [10.1.0.0/16]}
        requestLimits: {maxBodySize: 64KB, maxHeaderSize: 8KB}
      operations:
        - id: list
          method: GET
          path: /items
          mock: {body: []}
        - id: open
          method: GET
          path: /open
          policies:
            ipFilter: {deny: [192.168.0.1]}
          mock: {body: []}
      """;

  @Test
  void loadsAccessPolicies() throws IOException {
    ApiDefinition api = loader.load(dir, write("shop-v1.yaml", GUARDED));

    assertThat(api.cors().allowedOrigins()).containsExactly("https://shop.example");
    assertThat(api.cors().maxAge()).isEqualTo(Duration.ofMinutes(10));
    assertThat(api.cors().exposedHeaders()).isEqualTo(CorsPolicy.DEFAULT_EXPOSED);
    assertThat(api.methods()).containsExactly(HttpMethod.GET);
    Policies list = api.operations().get(0).policies();
    assertThat(list.ipFilter())
        .hasValue(new IpFilterPolicy(List.of("10.0.0.0/8", "fd00::/8"), List.of("10.1.0.0/16")));
    assertThat(list.requestLimits().orElseThrow().maxBodySize().toKilobytes()).isEqualTo(64);
    Policies open = api.operations().get(1).policies();
    assertThat(open.ipFilter()).hasValue(new IpFilterPolicy(List.of(), List.of("192.168.0.1")));
    assertThat(open.requestLimits()).isEqualTo(list.requestLimits());
  }

  @Test
  void namesEveryMistakeOfAccessPolicies() throws IOException {
    String bad =
        GUARDED
            .replace("[\"https://shop.example\"], maxAge: 10m", "[\"*\"], allowCredentials: true")
            .replace("methods: [GET]", "methods: [FETCH]")
            .replace("10.0.0.0/8", "intranet.example")
            .replace("maxBodySize: 64KB", "maxBodySize: lots")
            .replace("deny: [192.168.0.1]", "deny: []");

    assertThat(problems(bad))
        .containsExactlyInAnyOrder(
            "policies.cors: allowCredentials cannot be used with the origin \"*\"",
            "policies.methods: must hold HTTP methods in capitals, got 'FETCH'",
            "policies.ipFilter.allow[0]: must be an IP address or CIDR range like 10.0.0.0/8, got"
                + " 'intranet.example'",
            "policies.requestLimits.maxBodySize: must be a size like 64KB or 1MB, got 'lots'",
            "operations[1].policies.ipFilter: needs an allow or a deny list");
  }

  @Test
  void refusesARequestSchemaOnAPassThroughOperation() throws IOException {
    String bad =
        PASS_THROUGH.replace(
            "path: /pets\n    backend:",
            "path: /pets\n    request:\n      schema: schemas/CreateOrderRequest.avsc\n    backend:");

    assertThat(problems(bad))
        .containsExactly("operations[2].request.schema: is only supported with a workflow backend");
  }

  @Test
  void namesEveryProblemWithItsPath() throws IOException {
    String bad =
        GOOD.replace("name: orders", "name: Orders!")
            .replace("method: POST", "method: FETCH")
            .replace("schemas/CreateOrderRequest.avsc", "schemas/Missing.avsc")
            .replace("timeout: 5s", "timeout: soon")
            .replace("onTimeout: gateway-timeout", "onTimeout: never")
            .replace("path: /orders/{orderId}", "path: orders")
            .replace("title: Orders", "title: Orders\ncolour: blue");

    assertThat(problems(bad))
        .containsExactlyInAnyOrder(
            "colour: unknown key (expected one of backend, basePath, changeLog, current, defaultVersion, deprecated, description, name, openapi, operations, policies, revision, tags, title, unknownFields, version, versionScheme)",
            "name: must be lowercase letters, digits and dashes, got 'Orders!'",
            "operations[0].method: must be one of GET, POST, PUT, PATCH, DELETE, got 'FETCH'",
            "operations[0].request.schema: file 'schemas/Missing.avsc' does not exist (relative to the catalog folder)",
            "operations[0].timeout: must be a duration like 5s or 500ms, got 'soon'",
            "operations[0].onTimeout: must be accepted or gateway-timeout, got 'never'",
            "operations[1].path: must be a path like /orders or /orders/{orderId}, got 'orders'");
  }

  @Test
  void requiresTheEssentials() throws IOException {
    assertThat(problems("title: nothing else\n"))
        .containsExactlyInAnyOrder(
            "name: is required",
            "version: is required",
            "basePath: is required",
            "operations: must be a non-empty list");
    assertThat(problems(GOOD.replace("    backend:\n      workflow: get-order\n", "")))
        .containsExactly(
            "operations[1].backend: is required (a mapping with 'workflow' or 'url'), unless the"
                + " API sets a backend or the operation a mock");
  }

  @Test
  void refusesDuplicateOperations() throws IOException {
    assertThat(problems(GOOD.replace("id: getOrder", "id: createOrder")))
        .containsExactly("operations[1].id: 'createOrder' is used twice");
    assertThat(
            problems(
                GOOD.replace("path: /orders/{orderId}", "path: /orders")
                    .replace("method: GET", "method: POST")))
        .containsExactly("operations[1]: POST /orders/v1/orders is defined twice");
  }

  @Test
  void refusesSchemasOutsideTheCatalogOrNotRecords() throws IOException {
    assertThat(problems(GOOD.replace("schemas/CreateOrderRequest.avsc", "../secret.avsc")))
        .containsExactly(
            "operations[0].request.schema: '../secret.avsc' is outside the catalog folder");
    Files.writeString(dir.resolve("Loose.avsc"), SCHEMA);
    assertThat(problems(GOOD.replace("schemas/CreateOrderRequest.avsc", "Loose.avsc")))
        .containsExactly(
            "operations[0].request.schema: 'Loose.avsc' must be under schemas/"
                + " (schemas/<api>/<version>/<Record>.avsc), where schemas are registered from");
    Files.writeString(dir.resolve("schemas/Plain.avsc"), "\"string\"");
    assertThat(problems(GOOD.replace("CreateOrderRequest.avsc", "Plain.avsc")))
        .containsExactly(
            "operations[0].request.schema: 'schemas/Plain.avsc' must be an Avro record schema, is string");
    Files.writeString(dir.resolve("schemas/Broken.avsc"), "{\"type\":\"record\"}");
    assertThat(problems(GOOD.replace("CreateOrderRequest.avsc", "Broken.avsc")))
        .singleElement()
        .asString()
        .startsWith(
            "operations[0].request.schema: 'schemas/Broken.avsc' is not a valid Avro schema");
  }

  @Test
  void refusesInvalidYaml() throws IOException {
    assertThat(problems("name: [unclosed\n"))
        .singleElement()
        .asString()
        .startsWith("is not valid YAML");
  }

  @Test
  void refusesConflictsBetweenFiles() throws IOException {
    ApiDefinition first = loader.load(dir, write("a.yaml", GOOD));
    ApiDefinition second = loader.load(dir, write("b.yaml", GOOD));

    assertThatThrownBy(() -> CatalogLoader.checkConsistency(List.of(first, second)))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("API orders v1 is defined in both a.yaml and b.yaml")
        .hasMessageContaining("POST /orders/v1/orders is defined in both a.yaml and b.yaml");
  }

  @Test
  void readsSubscriptionPoliciesTheOperationsOwnReplacingTheApis() throws IOException {
    ApiDefinition api =
        loader.load(
            dir,
            write(
                "keyed-v1.yaml",
                """
                name: keyed
                version: v1
                basePath: /keyed/v1
                policies:
                  subscription: {required: true, waiveScopes: true}
                  rateLimit: {limit: 5, window: 1m, key: subscription}
                operations:
                  - {id: a, method: GET, path: /a, mock: {status: 200}}
                  - id: b
                    method: GET
                    path: /b
                    mock: {status: 200}
                    policies:
                      subscription: {tokenRequired: true}
                """));

    assertThat(api.operations().get(0).policies().subscription())
        .contains(new SubscriptionPolicy(true, false, true));
    assertThat(api.operations().get(1).policies().subscription())
        .contains(new SubscriptionPolicy(null, true, false));
    assertThat(api.operations().get(0).rateLimits().getFirst().key())
        .isEqualTo(new RateLimitKey(RateLimitKey.Kind.SUBSCRIPTION, null));
    assertThat(
            problems(
                GOOD.replace(
                    "operations:",
                    "policies:\n  subscription: {required: sometimes, tokenRequired: true,"
                        + " waiveScopes: true, extra: 1}\noperations:")))
        .containsExactlyInAnyOrder(
            "policies.subscription.extra: unknown key (expected one of required, tokenRequired,"
                + " waiveScopes)",
            "policies.subscription.required: must be true or false",
            "policies.subscription: waiveScopes has no effect with tokenRequired (a token is"
                + " always sent)");
  }
}
