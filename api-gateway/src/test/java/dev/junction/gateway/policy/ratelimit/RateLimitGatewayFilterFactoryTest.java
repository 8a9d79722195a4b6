package dev.junction.gateway.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.junction.gateway.catalog.RateLimitKey;
import dev.junction.gateway.catalog.RateLimitPolicy;
import dev.junction.gateway.problem.ProblemException;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

class RateLimitGatewayFilterFactoryTest {

  private static final RateLimitPolicy THREE_PER_10S =
      new RateLimitPolicy(
          "pets-v1", 3, Duration.ofSeconds(10), new RateLimitKey(RateLimitKey.Kind.CLIENT, null));

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicInteger passed = new AtomicInteger();

  private GatewayFilter filter(RateLimiter limiter, RateLimitPolicy... policies) {
    return new RateLimitGatewayFilterFactory(limiter, meters)
        .apply(new RateLimitGatewayFilterFactory.Config(List.of(policies)));
  }

  private static ServerWebExchange call(String clientId, String... headers) {
    MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/pets/v1/pets");
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    Jwt jwt =
        Jwt.withTokenValue("t")
            .header("alg", "RS256")
            .subject("alice")
            .claim("client_id", clientId)
            .issuedAt(Instant.now())
            .expiresAt(Instant.now().plusSeconds(60))
            .build();
    Principal principal = new JwtAuthenticationToken(jwt);
    return MockServerWebExchange.builder(request).principal(principal).build();
  }

  private Mono<Void> run(GatewayFilter filter, ServerWebExchange exchange) {
    return filter.filter(
        exchange,
        e -> {
          passed.incrementAndGet();
          return e.getResponse().setComplete();
        });
  }

  @Test
  void admitsTheLimitPerWindowThenRefusesWithRetryAfter() {
    GatewayFilter filter = filter(new LocalRateLimiter(100), THREE_PER_10S);
    for (int i = 0; i < 3; i++) {
      ServerWebExchange exchange = call("shop");
      run(filter, exchange).block();
      assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit-Policy"))
          .isEqualTo("\"pets-v1\";q=3;w=10");
      assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit"))
          .matches("\"pets-v1\";r=" + (2 - i) + ";t=(9|10)");
    }

    ProblemException refused =
        catchThrowableOfType(ProblemException.class, () -> run(filter, call("shop")).block());

    assertThat(passed).hasValue(3);
    assertThat(refused.problem().status()).isEqualTo(429);
    assertThat(refused.problem().type()).hasToString("https://junction.dev/problems/rate-limited");
    assertThat(Long.parseLong(refused.headers().get("Retry-After"))).isBetween(9L, 10L);
    assertThat(refused.headers().get("RateLimit")).matches("\"pets-v1\";r=0;t=(9|10)");
    assertThat(meters.counter("junction.gateway.ratelimit.rejected", "policy", "pets-v1").count())
        .isEqualTo(1);
  }

  @Test
  void keepsOneBucketPerClient() {
    GatewayFilter filter = filter(new LocalRateLimiter(100), THREE_PER_10S);
    for (int i = 0; i < 3; i++) {
      run(filter, call("shop")).block();
    }

    run(filter, call("back-office")).block();

    assertThat(passed).hasValue(4);
  }

  @Test
  void countsByAHeaderWithoutKeepingItsValue() {
    RateLimitPolicy byKey =
        new RateLimitPolicy(
            "keys",
            1,
            Duration.ofMinutes(1),
            new RateLimitKey(RateLimitKey.Kind.HEADER, "X-Api-Key"));
    ServerWebExchange exchange = call("shop", "X-Api-Key", "secret-123");

    String key =
        RateLimitGatewayFilterFactory.key(byKey, exchange, exchange.getPrincipal().block());

    assertThat(key)
        .startsWith("junction:ratelimit:keys:1/60:header:X-Api-Key:")
        .doesNotContain("secret");
    GatewayFilter filter = filter(new LocalRateLimiter(100), byKey);
    run(filter, call("a", "X-Api-Key", "k1")).block();
    run(filter, call("b", "X-Api-Key", "k2")).block();
    assertThat(passed).hasValue(2);
    assertThat(
            catchThrowableOfType(
                ProblemException.class, () -> run(filter, call("c", "X-Api-Key", "k1")).block()))
        .isNotNull();
  }

  @Test
  void admitsCallsWhenTheBucketStoreFails() {
    RateLimiter broken =
        new RateLimiter() {
          @Override
          public Mono<ConsumptionProbe> tryConsume(
              String key, BucketConfiguration configuration, Duration window) {
            return Mono.error(new IllegalStateException("redis down"));
          }

          @Override
          public Mono<Usage> usage(String key, BucketConfiguration configuration, Duration window) {
            return Mono.error(new IllegalStateException("redis down"));
          }

          @Override
          public void close() {}
        };
    GatewayFilter filter = filter(broken, THREE_PER_10S);

    for (int i = 0; i < 5; i++) {
      run(filter, call("shop")).block();
    }

    assertThat(passed).hasValue(5);
    assertThat(meters.counter("junction.gateway.ratelimit.errors").count()).isEqualTo(5);
  }

  @Test
  void stopsAtTheFirstPolicyThatRefuses() {
    RateLimitPolicy perSecond =
        new RateLimitPolicy(
            "burst", 1, Duration.ofSeconds(1), new RateLimitKey(RateLimitKey.Kind.SUBJECT, null));
    GatewayFilter filter = filter(new LocalRateLimiter(100), perSecond, THREE_PER_10S);
    run(filter, call("shop")).block();

    ProblemException refused =
        catchThrowableOfType(ProblemException.class, () -> run(filter, call("shop")).block());

    assertThat(refused.headers())
        .containsEntry("RateLimit-Policy", "\"burst\";q=1;w=1")
        .containsKey("Retry-After");
    assertThat(Map.copyOf(refused.headers()).get("RateLimit")).startsWith("\"burst\";r=0");
  }

  @Test
  void twoLimitFiltersOfOneCallListBothPolicies() {
    RateLimitPolicy product =
        new RateLimitPolicy(
            "starter.quota",
            5,
            Duration.ofSeconds(60),
            new RateLimitKey(RateLimitKey.Kind.CLIENT, null));
    GatewayFilter first = filter(new LocalRateLimiter(100), product);
    GatewayFilter second = filter(new LocalRateLimiter(100), THREE_PER_10S);
    ServerWebExchange exchange = call("shop");

    first.filter(exchange, e -> run(second, e)).block();

    assertThat(passed).hasValue(1);
    assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit-Policy"))
        .isEqualTo("\"starter.quota\";q=5;w=60, \"pets-v1\";q=3;w=10");
    assertThat(exchange.getResponse().getHeaders().getFirst("RateLimit"))
        .matches("\"starter.quota\";r=4;t=(59|60), \"pets-v1\";r=2;t=(9|10)");
  }
}
