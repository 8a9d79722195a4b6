package dev.junction.gateway.fastpath;

import static dev.junction.gateway.GatewayTestSupport.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.junction.gateway.GatewayTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fast path against the full path: two gateways on the same catalog and backend, one with the
 * fast path (the default) and one without it. Each call is made through both, and what the client
 * gets (status, headers, body) and what the backend gets (method, path, query, headers) must be the
 * same; the fast gateway's {@code junction.gateway.fastpath.requests} shows which calls it answered
 * itself.
 */
class FastPathIT {

  private static GatewayTestSupport stack;
  private static HttpServer backend;
  private static String fast;
  private static String full;
  private static String token;

  /** What the backend saw last, per gateway (the {@code X-Via} header the test sends). */
  private static final Map<String, String> seen = new ConcurrentHashMap<>();

  private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    stack = GatewayTestSupport.start("fastpath-it");
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext("/api", FastPathIT::answer);
    backend.start();
    int closedPort = GatewayTestSupport.closedPort();
    String url = "http://127.0.0.1:" + backend.getAddress().getPort() + "/api";
    Path catalog = Files.createTempDirectory("fastpath-it-apis");
    Files.writeString(
        catalog.resolve("parity-v1.yaml"),
        """
        name: parity
        version: v1
        basePath: /parity/v1
        backend:
          url: %s
          timeout: 2s
          retry: {retries: 2, backoff: 10ms}
          circuitBreaker: {enabled: false}
        operations:
          - {id: listItems, method: GET, path: /items, scopes: ["items:read"]}
          - {id: getItem, method: GET, path: "/items/{id}"}
          - {id: search, method: GET, path: /items/search}
          - {id: chunked, method: GET, path: /chunked}
          - {id: large, method: GET, path: /large}
          - {id: cached, method: GET, path: /cached}
          - {id: flaky, method: GET, path: /flaky}
          - id: slow
            method: GET
            path: /slow
            backend: {url: %s, timeout: 300ms, retry: {retries: 0}, circuitBreaker: {enabled: false}}
          - id: limited
            method: GET
            path: /limited
            policies:
              rateLimit: {limit: 3, window: 30s, key: client}
        """
            .formatted(url, url));
    Files.writeString(
        catalog.resolve("gone-v1.yaml"),
        """
        name: gone
        version: v1
        basePath: /gone/v1
        backend: {url: "http://127.0.0.1:%d", retry: {retries: 1, backoff: 10ms}}
        operations:
          - {id: anything, method: GET, path: /anything}
        """
            .formatted(closedPort));
    fast = stack.startGateway(catalog, 0);
    full = stack.startGateway(catalog, 1, "--junction.gateway.fast-path.enabled=false");
    token = stack.token("parity-client", "items:read");
  }

  @AfterAll
  static void stop() {
    if (backend != null) {
      backend.stop(0);
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String via = String.valueOf(exchange.getRequestHeaders().getFirst("X-Via"));
      Map<String, String> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
      headers.remove("x-via");
      seen.put(via, exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + headers);
      String key = path + " " + exchange.getRequestHeaders().getFirst("X-Test-Key");
      int call = calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      exchange.getResponseHeaders().set("X-Backend", "parity");
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      // the call count only where a test needs it: other answers are compared between gateways
      String count = path.equals("/api/flaky") ? ",\"call\":" + call : "";
      byte[] body = ("{\"path\":\"" + path + "\"" + count + "}").getBytes(StandardCharsets.UTF_8);
      switch (path) {
        case "/api/slow" -> sleep(1000);
        case "/api/flaky" -> {
          if (call % 3 != 0) {
            byte[] busy = "{\"error\":\"busy\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, busy.length);
            exchange.getResponseBody().write(busy);
            return;
          }
        }
        case "/api/cached" -> exchange.getResponseHeaders().set("Cache-Control", "max-age=60");
        case "/api/large" -> {
          // 4 MiB in 64 KiB pieces, more than the gateway may hold for a client at once
          exchange.sendResponseHeaders(200, 0);
          byte[] piece = "0123456789abcdef".repeat(4096).getBytes(StandardCharsets.US_ASCII);
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 64; i++) {
              out.write(piece);
            }
          }
          return;
        }
        case "/api/chunked" -> {
          exchange.sendResponseHeaders(200, 0); // no length: chunked
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 3; i++) {
              out.write(body);
              out.flush();
            }
          }
          return;
        }
        default -> {}
      }
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis); // the backend's own slowness, not a wait in the test
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static HttpResponse<String> get(String gateway, String path, String... headers) {
    return stack.send("GET", gateway + path, token, null, headers);
  }

  /** Status, body and headers, but the run id's value and the date. */
  private static String answerOf(HttpResponse<String> response) {
    Map<String, String> headers = new TreeMap<>();
    response
        .headers()
        .map()
        .forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
    assertThat(headers).containsKey("x-run-id");
    headers.put("x-run-id", "<run id>");
    headers.remove("date");
    return response.statusCode() + " " + headers + " " + response.body();
  }

  private static double fastPathCalls() {
    String metrics = get(fast, "/actuator/prometheus").body();
    Matcher counts =
        Pattern.compile("junction_gateway_fastpath_requests_total\\{[^}]*} ([0-9.E]+)")
            .matcher(metrics);
    double total = 0;
    while (counts.find()) {
      total += Double.parseDouble(counts.group(1));
    }
    return total;
  }

  @Test
  void answersEveryAdmittedCallAsTheFullPathDoes() {
    // the first call verifies the token on the full path; the fast path serves the later ones
    get(fast, "/parity/v1/items");
    for (String path :
        List.of(
            "/parity/v1/items?kind=a&limit=2",
            "/parity/v1/items/42",
            "/parity/v1/items/search",
            "/parity/v1/chunked",
            "/parity/v1/large",
            "/parity/v1/cached",
            "/parity/v1")) {
      double before = fastPathCalls();
      HttpResponse<String> viaFull = get(full, path, "X-Via", "full", "X-Extra", "kept");
      HttpResponse<String> viaFast = get(fast, path, "X-Via", "fast", "X-Extra", "kept");

      assertThat(answerOf(viaFast)).as(path).isEqualTo(answerOf(viaFull));
      assertThat(seen.get("fast")).as(path).isEqualTo(seen.get("full"));
      if (!path.equals("/parity/v1")) {
        assertThat(fastPathCalls() - before).as(path + " on the fast path").isEqualTo(1.0);
      }
    }
    assertThat(seen.get("fast")).doesNotContain("authorization");
  }

  @Test
  void leavesEveryRefusalToTheFullPath() {
    get(fast, "/parity/v1/items");
    String noScope = stack.token("parity-client", "other:read");
    double before = fastPathCalls();

    assertProblem(stack.send("GET", fast + "/parity/v1/items", null, null), 401, "unauthorized");
    assertProblem(stack.send("GET", fast + "/parity/v1/items", noScope, null), 403, "forbidden");
    assertProblem(
        stack.send("GET", fast + "/parity/v1/items", token + "x", null), 401, "unauthorized");
    assertThat(stack.send("DELETE", fast + "/parity/v1/items", token, null).statusCode())
        .isEqualTo(405);

    assertThat(fastPathCalls() - before).isZero();
  }

  @Test
  void retriesTimesOutAndReportsUnreachableBackendsAsTheFullPathDoes() {
    get(fast, "/parity/v1/items");
    for (String gateway : List.of(full, fast)) {
      HttpResponse<String> retried =
          get(gateway, "/parity/v1/flaky", "X-Test-Key", gateway.equals(fast) ? "f" : "s");
      assertThat(retried.statusCode()).isEqualTo(200);
      assertThat(retried.body()).contains("\"call\":3");

      long started = System.nanoTime();
      assertProblem(get(gateway, "/parity/v1/slow"), 504, "backend-timeout");
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1000);

      HttpResponse<String> gone = get(gateway, "/gone/v1/anything");
      assertProblem(gone, 502, "backend-unreachable");
      assertThat(gone.body()).contains("cannot connect to http://127.0.0.1:");
    }
  }

  @Test
  void takesFromTheSameRateLimitBucketAndLeavesTheRefusalToTheFullPath() {
    String client = stack.token("limited-client", "items:read");
    stack.send("GET", fast + "/parity/v1/items", client, null);
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> admitted = stack.send("GET", fast + "/parity/v1/limited", client, null);
      assertThat(admitted.statusCode()).as("call %d", i).isEqualTo(200);
      assertThat(admitted.headers().firstValue("RateLimit").orElseThrow())
          .startsWith("\"parity-v1.limited\";r=" + (2 - i) + ";t=");
    }

    HttpResponse<String> refused = stack.send("GET", fast + "/parity/v1/limited", client, null);

    assertProblem(refused, 429, "rate-limited");
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void answersPipelinedCallsInOrderWhicheverPathServesThem() throws IOException {
    get(fast, "/parity/v1/items");
    int port = Integer.parseInt(fast.substring(fast.lastIndexOf(':') + 1));
    String fastCall =
        "GET /parity/v1/items/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + token
            + "\r\n\r\n";
    String fullCall = "GET /parity/v1/items/2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    String lastCall =
        "GET /parity/v1/items/3 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + token
            + "\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write((fastCall + fullCall + lastCall).getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String answers = new String(in.readAllBytes(), StandardCharsets.UTF_8);

      int first = answers.indexOf("/api/items/1");
      int second = answers.indexOf("HTTP/1.1 401");
      int third = answers.indexOf("/api/items/3");
      assertThat(first).as(answers).isPositive();
      assertThat(second).as(answers).isGreaterThan(first);
      assertThat(third).as(answers).isGreaterThan(second);
    }
  }
}
