package dev.junction.gateway.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.gateway.GatewayTestSupport;
import dev.junction.gateway.subscription.SubscriptionScenario;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two gateway instances sharing one Redis (127.0.0.1:6379) enforce one limit: whichever instance a
 * call reaches, the total admitted stays within 5% of the limit. The same two instances share the
 * subscriptions topic: a key created on one works on the other, and its product's quota is one
 * quota across both.
 */
class RateLimitIT {

  private static final int LIMIT = 200;
  private static final String REDIS = "redis://127.0.0.1:6379";

  private static GatewayTestSupport stack;
  private static List<String> gateways;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    stack = GatewayTestSupport.start("ratelimit-it");
    Path catalog = Files.createTempDirectory("ratelimit-it-apis");
    Files.writeString(
        catalog.resolve("shared-v1.yaml"),
        """
        name: shared
        version: v1
        basePath: /shared/v1
        policies:
          rateLimit: {limit: %d, window: 60s, key: "header:X-Api-Key"}
        operations:
          - id: ping
            method: GET
            path: /ping
            mock: {status: 200, body: {pong: true}}
        """
            .formatted(LIMIT));
    Path products = SubscriptionScenario.writeCatalogAndProducts(catalog);
    String redis = "--junction.gateway.redis.url=" + REDIS;
    String productsDir = "--junction.gateway.products-dir=" + products;
    // the store fails open after its timeout (see docs/policies.md): on a loaded machine the
    // default 500 ms would admit calls without counting them, which is not what this test is about
    String patient = "--junction.gateway.redis.timeout=10s";
    gateways =
        List.of(
            stack.startGateway(catalog, 0, redis, productsDir, patient),
            stack.startGateway(catalog, 1, redis, productsDir, patient));
    token = stack.token("load-test", "");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void twoInstancesSharingRedisAdmitOneLimitTogether() {
    HttpClient http = HttpClient.newHttpClient();
    // warm both instances (JIT, Redis connections) with another key, as a running gateway is
    Map<Integer, AtomicInteger> warmUp = burst(http, UUID.randomUUID().toString(), 60);
    assertThat(warmUp.get(200).get()).isEqualTo(60);

    // a fresh key per run: the buckets of earlier runs may still be in Redis
    Map<Integer, AtomicInteger> statuses = burst(http, UUID.randomUUID().toString(), 2 * LIMIT);

    int admitted = statuses.getOrDefault(200, new AtomicInteger()).get();
    assertThat(admitted)
        .as("admitted %d of %d calls, limit %d", admitted, 2 * LIMIT, LIMIT)
        .isBetween((int) (LIMIT * 0.95), (int) (LIMIT * 1.05));
    assertThat(statuses.keySet()).containsOnly(200, 429);
    assertThat(statuses.get(429).get()).isEqualTo(2 * LIMIT - admitted);
  }

  @Test
  void subscriptionKeyCreatedOnOneInstanceWorksOnTheOtherWithinItsProductAndQuota() {
    new SubscriptionScenario(stack, gateways.get(0), gateways.get(1)).keyAcrossInstances();
  }

  @Test
  void suspendedRegeneratedAndCancelledKeysAreRefused() {
    new SubscriptionScenario(stack, gateways.get(0), gateways.get(1)).keyLifecycle();
  }

  @Test
  void subscriptionsExportWithHashesOnlyAndImportAllOrNothing() {
    new SubscriptionScenario(stack, gateways.get(0), gateways.get(1)).exportAndImport();
  }

  /** {@code count} calls with one API key, alternating between the instances, 32 at a time. */
  private static Map<Integer, AtomicInteger> burst(HttpClient http, String apiKey, int count) {
    Semaphore inFlight = new Semaphore(32);
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> admittedBy = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String gateway = gateways.get(i % 2);
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(gateway + "/shared/v1/ping"))
              .timeout(Duration.ofSeconds(30))
              .header("Authorization", "Bearer " + token)
              .header("X-Api-Key", apiKey)
              .build();
      inFlight.acquireUninterruptibly();
      calls.add(
          http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .thenAccept(
                  response -> {
                    statuses
                        .computeIfAbsent(response.statusCode(), s -> new AtomicInteger())
                        .incrementAndGet();
                    if (response.statusCode() == 200) {
                      admittedBy
                          .computeIfAbsent(gateway, g -> new AtomicInteger())
                          .incrementAndGet();
                    } else {
                      assertThat(response.headers().firstValue("Retry-After")).isPresent();
                    }
                  })
              .whenComplete((done, error) -> inFlight.release()));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    assertThat(admittedBy)
        .containsOnlyKeys(gateways)
        .allSatisfy((g, n) -> assertThat(n.get()).isPositive());
    return statuses;
  }
}
