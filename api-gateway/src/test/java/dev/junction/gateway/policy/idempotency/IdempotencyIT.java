package dev.junction.gateway.policy.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.junction.gateway.GatewayTestSupport;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Idempotency-Key} through running gateways with a real backend that counts its calls:
 * replays, reuse with another body, a repeat while the first runs, released keys after failures,
 * and two instances sharing the records in Redis.
 */
class IdempotencyIT {

  private static GatewayTestSupport stack;
  private static HttpServer backend;
  private static String gateway;
  private static String second;
  private static String token;

  /** Calls per request body seen by the backend. */
  private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  private static final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    stack = GatewayTestSupport.start("idempotency-it");
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    backend.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          int call = calls.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
          if (body.contains("slow")) {
            try {
              Thread.sleep(800); // the backend's own slowness
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          int status = body.contains("fail-once") && call == 1 ? 500 : 201;
          byte[] answer =
              ("{\"id\":" + ids.incrementAndGet() + "}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.getResponseHeaders().set("Location", "/payments/" + ids.get());
          exchange.sendResponseHeaders(status, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    backend.start();
    Path catalog = Files.createTempDirectory("idempotency-it-apis");
    Files.writeString(
        catalog.resolve("payments-v1.yaml"),
        """
        name: payments
        version: v1
        basePath: /payments/v1
        backend:
          url: http://127.0.0.1:%d
          retry: {retries: 0}
          circuitBreaker: {enabled: false}
        policies:
          idempotency: {ttl: 1h, wait: 5s}
        operations:
          - {id: pay, method: POST, path: /payments}
          - id: strictPay
            method: POST
            path: /strict
            policies:
              idempotency: {required: true}
          - id: ping
            method: POST
            path: /ping
            mock: {status: 201, body: {pong: true}}
        """
            .formatted(backend.getAddress().getPort()));
    String redis = "--junction.gateway.redis.url=redis://127.0.0.1:6379";
    // the default 500 ms per Redis call is for production: on a loaded test machine a slow answer
    // would fail a call, which is not what these tests are about
    String patient = "--junction.gateway.redis.timeout=10s";
    gateway = stack.startGateway(catalog, 0, redis, patient);
    second = stack.startGateway(catalog, 1, redis, patient);
    token = stack.token("shop", "");
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

  private static HttpResponse<String> pay(String base, String path, String key, String body) {
    return key == null
        ? stack.send("POST", base + path, token, body)
        : stack.send("POST", base + path, token, body, "Idempotency-Key", key);
  }

  private static String body(String tag) {
    return "{\"amount\":10,\"tag\":\"" + tag + "-" + UUID.randomUUID() + "\"}";
  }

  @Test
  void replaysTheFirstResponseForTheSameKeyAndBody() {
    String key = UUID.randomUUID().toString();
    String body = body("replay");

    HttpResponse<String> first = pay(gateway, "/payments/v1/payments", key, body);
    HttpResponse<String> repeat = pay(gateway, "/payments/v1/payments", key, body);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(repeat.statusCode()).isEqualTo(201);
    assertThat(repeat.body()).isEqualTo(first.body());
    assertThat(repeat.headers().firstValue("Location"))
        .isEqualTo(first.headers().firstValue("Location"));
    assertThat(repeat.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(calls.get(body).get()).isEqualTo(1);
  }

  @Test
  void refusesTheSameKeyWithAnotherBody() {
    String key = UUID.randomUUID().toString();
    String body = body("first");
    assertThat(pay(gateway, "/payments/v1/payments", key, body).statusCode()).isEqualTo(201);

    HttpResponse<String> other = pay(gateway, "/payments/v1/payments", key, body("other"));

    GatewayTestSupport.assertProblem(other, 422, "idempotency-key-reused");
  }

  @Test
  void aRepeatWhileTheFirstRunsWaitsForItsResponse() {
    String key = UUID.randomUUID().toString();
    String body = body("slow");

    CompletableFuture<HttpResponse<String>> first =
        CompletableFuture.supplyAsync(() -> pay(gateway, "/payments/v1/payments", key, body));
    CompletableFuture<HttpResponse<String>> repeat =
        CompletableFuture.supplyAsync(() -> pay(second, "/payments/v1/payments", key, body));
    List<HttpResponse<String>> both = List.of(first.join(), repeat.join());

    assertThat(both).extracting(HttpResponse::statusCode).containsOnly(201);
    assertThat(both.get(0).body()).isEqualTo(both.get(1).body());
    assertThat(calls.get(body).get()).isEqualTo(1);
    assertThat(both)
        .filteredOn(r -> r.headers().firstValue("Idempotent-Replayed").isPresent())
        .hasSize(1);
  }

  @Test
  void runsAgainAfterAFailedFirstCall() {
    String key = UUID.randomUUID().toString();
    String body = body("fail-once");

    HttpResponse<String> failed = pay(gateway, "/payments/v1/payments", key, body);
    HttpResponse<String> retried = pay(gateway, "/payments/v1/payments", key, body);

    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(retried.statusCode()).isEqualTo(201);
    assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(calls.get(body).get()).isEqualTo(2);
  }

  @Test
  void sharesRecordsBetweenInstancesThroughRedis() {
    String key = UUID.randomUUID().toString();
    String body = body("shared");

    HttpResponse<String> first = pay(gateway, "/payments/v1/payments", key, body);
    HttpResponse<String> onTheOther = pay(second, "/payments/v1/payments", key, body);

    assertThat(onTheOther.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(onTheOther.body()).isEqualTo(first.body());
    assertThat(calls.get(body).get()).isEqualTo(1);
  }

  @Test
  void keysAreKeptPerOperationAndOnlyRequiredWhereSaid() {
    String key = UUID.randomUUID().toString();
    assertThat(pay(gateway, "/payments/v1/ping", key, "{}").statusCode()).isEqualTo(201);
    // the same key on another operation is another request, not a reuse
    assertThat(pay(gateway, "/payments/v1/payments", key, body("per-op")).statusCode())
        .isEqualTo(201);

    GatewayTestSupport.assertProblem(
        pay(gateway, "/payments/v1/strict", null, body("strict")), 400, "idempotency-key-missing");
    assertThat(pay(gateway, "/payments/v1/payments", null, body("optional")).statusCode())
        .isEqualTo(201);
  }
}
