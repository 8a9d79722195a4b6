package dev.junction.gateway.policy.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.junction.gateway.GatewayTestSupport;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CORS per API, IP allow and deny lists, the method allow-list and request size limits, through a
 * running gateway (real broker, registry and JWKS) with a real HTTP backend.
 */
class AccessPoliciesIT {

  private static final String SHOP = "https://shop.example";

  private static GatewayTestSupport stack;
  private static HttpServer backend;
  private static String gateway;
  private static String token;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    stack = GatewayTestSupport.start("access-it");
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          byte[] answer = ("{\"received\":" + body.length + "}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    backend.start();
    Path catalog = Files.createTempDirectory("access-it-apis");
    Files.writeString(
        catalog.resolve("shop-v1.yaml"),
        """
        name: shop
        version: v1
        basePath: /shop/v1
        backend:
          url: http://127.0.0.1:%d
        policies:
          cors:
            allowedOrigins: ["%s"]
            maxAge: 10m
          methods: [GET, PUT]
          requestLimits: {maxBodySize: 1KB, maxHeaderSize: 2KB}
        operations:
          - {id: listItems, method: GET, path: /items}
          - {id: addItem, method: POST, path: /items}
          - {id: putItem, method: PUT, path: /items}
        """
            .formatted(backend.getAddress().getPort(), SHOP));
    Files.writeString(
        catalog.resolve("internal-v1.yaml"),
        """
        name: internal
        version: v1
        basePath: /internal/v1
        policies:
          ipFilter: {allow: [10.0.0.0/8, "::1/128"]}
        operations:
          - id: status
            method: GET
            path: /status
            mock: {body: {ok: true}}
          - id: local
            method: GET
            path: /local
            policies:
              ipFilter: {allow: [127.0.0.0/8], deny: [127.0.0.2/32]}
            mock: {body: {ok: true}}
          - id: blocked
            method: GET
            path: /blocked
            policies:
              ipFilter: {deny: [127.0.0.1/32]}
            mock: {body: {ok: true}}
        """);
    gateway = stack.startGateway(catalog, 0);
    token = stack.token("shop-frontend", "");
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

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(gateway + path));
  }

  @Test
  void answersACorsPreflightWithoutAToken() throws Exception {
    HttpResponse<String> preflight =
        send(
            request("/shop/v1/items")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", SHOP)
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "Authorization, Content-Type"));

    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(SHOP);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow())
        .contains("PUT");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .containsIgnoringCase("authorization");
    assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
  }

  @Test
  void refusesAPreflightFromAnotherOrigin() throws Exception {
    HttpResponse<String> preflight =
        send(
            request("/shop/v1/items")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET"));

    GatewayTestSupport.assertProblem(preflight, 403, "cors-rejected");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void addsCorsFieldsToAnActualCrossOriginCall() throws Exception {
    HttpResponse<String> response =
        send(
            request("/shop/v1/items")
                .header("Origin", SHOP)
                .header("Authorization", "Bearer " + token));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(SHOP);
    assertThat(response.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
        .contains("X-Run-Id", "RateLimit");
  }

  @Test
  void answers405ForAMethodOutsideTheApisAllowList() throws Exception {
    HttpResponse<String> post =
        send(
            request("/shop/v1/items")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

    GatewayTestSupport.assertProblem(post, 405, "method-not-allowed");
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, PUT");
  }

  @Test
  void refusesABodyOverTheLimitByItsLengthOrAsItStreams() throws Exception {
    byte[] big = new byte[2048];
    HttpResponse<String> declared =
        send(
            request("/shop/v1/items")
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(big)));
    HttpResponse<String> streamed =
        send(
            request("/shop/v1/items")
                .header("Authorization", "Bearer " + token)
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    HttpResponse<String> small =
        send(
            request("/shop/v1/items")
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[512])));

    GatewayTestSupport.assertProblem(declared, 413, "payload-too-large");
    GatewayTestSupport.assertProblem(streamed, 413, "payload-too-large");
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(small.body()).isEqualTo("{\"received\":512}");
  }

  @Test
  void refusesHeadersOverTheLimitWith431() throws Exception {
    HttpResponse<String> response =
        send(
            request("/shop/v1/items")
                .header("Authorization", "Bearer " + token)
                .header("X-Padding", "p".repeat(3000)));

    GatewayTestSupport.assertProblem(response, 431, "headers-too-large");
  }

  @Test
  void admitsOrRefusesCallersByAddress() throws Exception {
    // the test calls from 127.0.0.1
    GatewayTestSupport.assertProblem(
        send(request("/internal/v1/status").header("Authorization", "Bearer " + token)),
        403,
        "address-denied");
    assertThat(
            send(request("/internal/v1/local").header("Authorization", "Bearer " + token))
                .statusCode())
        .isEqualTo(200);
    GatewayTestSupport.assertProblem(
        send(request("/internal/v1/blocked").header("Authorization", "Bearer " + token)),
        403,
        "address-denied");
  }
}
