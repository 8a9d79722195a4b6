package dev.junction.gateway.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.catalog.CatalogLoader;
import dev.junction.gateway.catalog.RateLimitKey;
import dev.junction.gateway.catalog.SubscriptionPolicy;
import dev.junction.gateway.policy.ratelimit.LocalRateLimiter;
import dev.junction.gateway.policy.ratelimit.RateLimitGatewayFilterFactory;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.routing.ScopeCheckGatewayFilterFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

class SubscriptionChecksTest {

  private static final String HEADER = SubscriptionProperties.DEFAULT_HEADER;

  @TempDir Path dir;

  private final InMemorySubscriptionStore store = new InMemorySubscriptionStore();
  private final AtomicInteger passed = new AtomicInteger();
  private SubscriptionChecks checks;
  private SubscriptionService service;

  @BeforeEach
  void products() throws IOException {
    Path products = Files.createDirectories(dir.resolve("products"));
    Files.writeString(
        products.resolve("gold.yaml"),
        "name: gold\napis: [{name: pets, version: v1}]\nlimits: {quota: {limit: 2, window: 1h}}\n");
    Files.writeString(
        products.resolve("open.yaml"),
        "name: open\nsubscriptionRequired: false\napis: [{name: public}]\n");
    ProductService productService =
        new ProductService(
            products,
            Duration.ofSeconds(1),
            new ApiCatalogService(
                dir.resolve("apis"),
                new CatalogLoader(Duration.ofSeconds(1)),
                Duration.ofSeconds(1),
                c -> {}));
    productService.loadInitial();
    checks =
        new SubscriptionChecks(
            store,
            productService,
            new RateLimitGatewayFilterFactory(new LocalRateLimiter(10), new SimpleMeterRegistry()),
            HEADER);
    service = new SubscriptionService(store, productService, Clock.systemUTC(), "admin");
  }

  private String key(String product) {
    return service
        .create(new SubscriptionService.Caller("client:alice", false), product, null)
        .join()
        .key();
  }

  private static ServerWebExchange call(String key, Principal principal) {
    MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/pets/v1/pets");
    if (key != null) {
      request.header(HEADER, key);
    }
    MockServerWebExchange.Builder exchange = MockServerWebExchange.builder(request);
    return principal == null ? exchange.build() : exchange.principal(principal).build();
  }

  private void run(GatewayFilter filter, ServerWebExchange exchange) {
    filter
        .filter(
            exchange,
            e -> {
              passed.incrementAndGet();
              return e.getResponse().setComplete();
            })
        .block();
  }

  private static String problemOf(Runnable call) {
    try {
      call.run();
    } catch (ProblemException e) {
      return e.problem().type().toString().replace("https://junction.dev/problems/", "");
    }
    return "none";
  }

  @Test
  void requiresAKeyWhereAProductSaysSoUnlessTheApiSaysOtherwise() {
    GatewayFilter pets = checks.check("pets", "v1", Optional.empty());
    GatewayFilter open = checks.check("public", "v3", Optional.empty());
    GatewayFilter optional =
        checks.check("pets", "v1", Optional.of(new SubscriptionPolicy(false, false, false)));

    assertThat(problemOf(() -> run(pets, call(null, null)))).isEqualTo("subscription-key-missing");
    run(open, call(null, null));
    run(optional, call(null, null));
    assertThat(passed).hasValue(2);
  }

  @Test
  void refusesUnknownInactiveAndForeignKeys() {
    GatewayFilter pets = checks.check("pets", "v1", Optional.empty());
    String gold = key("gold");
    String open = key("open");
    Subscription subscription = store.byKeyHash(SubscriptionKeys.hash(gold)).orElseThrow();

    assertThat(problemOf(() -> run(pets, call(SubscriptionKeys.generate(), null))))
        .isEqualTo("subscription-key-invalid");
    assertThat(problemOf(() -> run(pets, call(open, null)))).isEqualTo("subscription-not-allowed");
    ServerWebExchange accepted = call(gold, null);
    run(pets, accepted);
    assertThat(passed).hasValue(1);
    assertThat((String) accepted.getAttribute(RateLimitKey.SUBSCRIPTION_ATTRIBUTE))
        .isEqualTo(subscription.id());

    store.put(
        subscription.withState(
            Subscription.State.SUSPENDED, subscription.updatedAt(), "client:ops"));
    assertThat(problemOf(() -> run(pets, call(gold, null)))).isEqualTo("subscription-inactive");
  }

  @Test
  void waivesScopesOnlyForAKeyWithoutATokenWhenTheApiSaysSo() {
    String gold = key("gold");
    String id = store.byKeyHash(SubscriptionKeys.hash(gold)).orElseThrow().id();
    GatewayFilter waiving =
        checks.check("pets", "v1", Optional.of(new SubscriptionPolicy(null, false, true)));
    GatewayFilter strict =
        checks.check("pets", "v1", Optional.of(new SubscriptionPolicy(null, true, false)));

    ServerWebExchange keyOnly = call(gold, new SubscriptionAuthentication(id));
    run(waiving, keyOnly);
    assertThat(
            (Boolean) keyOnly.getAttribute(ScopeCheckGatewayFilterFactory.SCOPES_WAIVED_ATTRIBUTE))
        .isTrue();
    ServerWebExchange byDefault = call(gold, new SubscriptionAuthentication(id));
    run(checks.check("pets", "v1", Optional.empty()), byDefault);
    assertThat(
            (Object) byDefault.getAttribute(ScopeCheckGatewayFilterFactory.SCOPES_WAIVED_ATTRIBUTE))
        .isNull();
    assertThat(problemOf(() -> run(strict, call(gold, new SubscriptionAuthentication(id)))))
        .isEqualTo("unauthorized");
  }

  @Test
  void countsCallsWithAKeyAgainstTheProductsQuota() {
    GatewayFilter check = checks.check("pets", "v1", Optional.empty());
    GatewayFilter limits = checks.limits();
    String gold = key("gold");

    for (int i = 0; i < 2; i++) {
      ServerWebExchange exchange = call(gold, null);
      run((e, chain) -> check.filter(e, next -> limits.filter(next, chain)), exchange);
      assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit-Policy"))
          .isEqualTo("\"gold.quota\";q=2;w=3600");
    }
    assertThatThrownBy(
            () ->
                run(
                    (e, chain) -> check.filter(e, next -> limits.filter(next, chain)),
                    call(gold, null)))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining(
            "rate limit gold.quota exceeded: 2 calls per 3600 s per subscription");
    assertThat(passed).hasValue(2);
  }
}
