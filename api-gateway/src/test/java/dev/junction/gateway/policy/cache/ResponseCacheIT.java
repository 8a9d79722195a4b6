package dev.junction.gateway.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.junction.gateway.GatewayTestSupport;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Response caching through a running gateway, its cache in Redis, with a real backend whose every
 * answer is new: hits, keys per caller, route and query, and {@code Cache-Control}.
 */
class ResponseCacheIT {

  private static GatewayTestSupport stack;
  private static HttpServer backend;
  private static String gateway;
  private static String alice;
  private static String bob;

  /** Calls per backend path and query. */
  private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    stack = GatewayTestSupport.start("cache-it");
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext(
        "/",
        exchange -> {
          String target = exchange.getRequestURI().toString();
          int call = calls.computeIfAbsent(target, t -> new AtomicInteger()).incrementAndGet();
          byte[] answer =
              ("{\"target\":\"" + target + "\",\"call\":" + call + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          if (target.contains("no-store")) {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
          } else if (target.contains("short")) {
            // long enough for the next call to come first on a loaded machine (1 s was not)
            exchange.getResponseHeaders().set("Cache-Control", "max-age=3");
          }
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    backend.start();
    Path catalog = Files.createTempDirectory("cache-it-apis");
    Files.writeString(
        catalog.resolve("catalog-v1.yaml"),
        """
        name: catalog
        version: v1
        basePath: /catalog/v1
        backend:
          url: http://127.0.0.1:%d
        policies:
          cache: {ttl: 5m}
        operations:
          - {id: getProduct, method: GET, path: "/products/{id}"}
          - {id: getPrice, method: GET, path: "/prices/{id}"}
          - id: getShared
            method: GET
            path: "/shared/{id}"
            policies:
              cache: {ttl: 5m, varyByCaller: false, varyByHeaders: [Accept-Language]}
        """
            .formatted(backend.getAddress().getPort()));
    // a patient Redis timeout: on a loaded test machine the default 500 ms would skip the cache
    gateway =
        stack.startGateway(
            catalog,
            0,
            "--junction.gateway.redis.url=redis://127.0.0.1:6379",
            "--junction.gateway.redis.timeout=10s");
    alice = stack.token("alice-app", "");
    bob = stack.token("bob-app", "");
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

  private static HttpResponse<String> get(String token, String path, String... headers) {
    return stack.send("GET", gateway + path, token, null, headers);
  }

  private static boolean hit(HttpResponse<String> response) {
    return response.headers().firstValue("X-Junction-Cache").orElse("").equals("hit");
  }

  /** A path no earlier run has cached (the cache is in Redis, which outlives the test). */
  private static String fresh(String prefix) {
    return prefix + UUID.randomUUID();
  }

  @Test
  void answersARepeatFromTheCache() {
    String path = fresh("/catalog/v1/products/");

    HttpResponse<String> first = get(alice, path);
    // the entry is written as the first answer goes out: the very next call finds it
    HttpResponse<String> second = get(alice, path);
    int backendCalls = calls.get(path.replace("/catalog/v1", "")).get();
    HttpResponse<String> third = get(alice, path);

    assertThat(first.headers().firstValue("X-Junction-Cache")).hasValue("miss");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body()).contains("\"call\":1");
    assertThat(second.headers().firstValue("Age")).isPresent();
    assertThat(second.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(hit(third)).isTrue();
    assertThat(third.body()).isEqualTo(first.body());
    assertThat(calls.get(path.replace("/catalog/v1", "")).get())
        .as("the backend is not called for a hit")
        .isEqualTo(backendCalls);
  }

  @Test
  void neverAnswersAnotherCallersResponse() {
    String path = fresh("/catalog/v1/products/");
    get(alice, path);

    HttpResponse<String> forBob = get(bob, path);

    assertThat(forBob.headers().firstValue("X-Junction-Cache")).hasValue("miss");
    assertThat(forBob.body()).contains("\"call\":2");
  }

  @Test
  void neverAnswersAnotherRoutesResponse() {
    String id = UUID.randomUUID().toString();
    get(alice, "/catalog/v1/products/" + id);

    HttpResponse<String> price = get(alice, "/catalog/v1/prices/" + id);

    assertThat(price.headers().firstValue("X-Junction-Cache")).hasValue("miss");
    assertThat(price.body()).contains("\"target\":\"/prices/" + id);
  }

  @Test
  void keysByQueryAndByTheListedHeaders() {
    String path = fresh("/catalog/v1/shared/");
    get(alice, path + "?a=1&b=2", "Accept-Language", "en");

    assertThat(hit(get(bob, path + "?b=2&a=1", "Accept-Language", "en")))
        .as("shared between callers, parameters in any order")
        .isTrue();
    assertThat(
            get(bob, path + "?a=1&b=3", "Accept-Language", "en")
                .headers()
                .firstValue("X-Junction-Cache"))
        .hasValue("miss");
    assertThat(
            get(bob, path + "?a=1&b=2", "Accept-Language", "fr")
                .headers()
                .firstValue("X-Junction-Cache"))
        .hasValue("miss");
  }

  @Test
  void honoursCacheControl() {
    String noStore = fresh("/catalog/v1/products/no-store-");
    get(alice, noStore);
    assertThat(get(alice, noStore).headers().firstValue("X-Junction-Cache")).hasValue("miss");

    String path = fresh("/catalog/v1/products/");
    get(alice, path);
    HttpResponse<String> refreshed = get(alice, path, "Cache-Control", "no-cache");
    assertThat(refreshed.headers().firstValue("X-Junction-Cache")).hasValue("miss");
    assertThat(refreshed.body()).contains("\"call\":2");
    // the first response's write cannot land after the refresh's and replace it
    assertThat(get(alice, path).body())
        .as("the refreshed response is cached")
        .contains("\"call\":2");

    String shortLived = fresh("/catalog/v1/products/short-");
    get(alice, shortLived);
    assertThat(hit(get(alice, shortLived))).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                get(alice, shortLived)
                    .headers()
                    .firstValue("X-Junction-Cache")
                    .orElse("")
                    .equals("miss"));
  }
}
