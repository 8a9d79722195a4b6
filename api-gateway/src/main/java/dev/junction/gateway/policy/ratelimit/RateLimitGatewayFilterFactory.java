package dev.junction.gateway.policy.ratelimit;

import dev.junction.gateway.catalog.RateLimitKey;
import dev.junction.gateway.catalog.RateLimitPolicy;
import dev.junction.gateway.policy.Hashes;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.security.Callers;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Applies an operation's rate limits: one token per call from the bucket of the caller's key for
 * each policy, in order. A refused call gets 429 {@code rate-limited} with {@code Retry-After};
 * every answer carries the IETF {@code RateLimit-Policy} and {@code RateLimit} fields
 * (draft-ietf-httpapi-ratelimit-headers): {@code "name";q=20;w=10} and {@code "name";r=19;t=7}.
 * When the bucket store fails (Redis down or slow), the call is admitted and counted in {@code
 * junction.gateway.ratelimit.errors}: the limit protects backends, it must not take the API down.
 */
public final class RateLimitGatewayFilterFactory
    extends AbstractGatewayFilterFactory<RateLimitGatewayFilterFactory.Config> {

  private static final Logger log = LoggerFactory.getLogger(RateLimitGatewayFilterFactory.class);
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final String KEY_PREFIX = "junction:ratelimit:";

  private final RateLimiter limiter;
  private final MeterRegistry meters;
  private final AtomicLong lastWarning = new AtomicLong();

  public RateLimitGatewayFilterFactory(RateLimiter limiter, MeterRegistry meters) {
    super(Config.class);
    this.limiter = limiter;
    this.meters = meters;
  }

  /**
   * @param policies the limits, checked in order
   */
  public record Config(List<RateLimitPolicy> policies) {}

  /** One policy's outcome for a call. */
  public record Outcome(
      RateLimitPolicy policy, boolean admitted, long remaining, long resetSeconds) {}

  @Override
  public GatewayFilter apply(Config config) {
    List<Prepared> policies = config.policies().stream().map(Prepared::new).toList();
    return (exchange, chain) ->
        exchange
            .getPrincipal()
            .map(Optional::of)
            .defaultIfEmpty(Optional.empty())
            .flatMapMany(
                principal ->
                    Flux.fromIterable(policies)
                        .concatMap(
                            p -> consume(p, key(p.policy(), exchange, principal.orElse(null))))
                        .takeUntil(outcome -> !outcome.admitted()))
            .collectList()
            .flatMap(
                outcomes -> {
                  Map<String, String> headers = headers(outcomes);
                  Outcome refused =
                      outcomes.stream().filter(o -> !o.admitted()).findFirst().orElse(null);
                  if (refused != null) {
                    meters
                        .counter(
                            "junction.gateway.ratelimit.rejected",
                            "policy",
                            refused.policy().name())
                        .increment();
                    headers.put(HttpHeaders.RETRY_AFTER, Long.toString(refused.resetSeconds()));
                    RateLimitPolicy policy = refused.policy();
                    return Mono.error(
                        new ProblemException(
                            ProblemType.RATE_LIMITED.with(
                                "rate limit %s exceeded: %d calls per %s per %s; retry in %d s"
                                    .formatted(
                                        policy.name(),
                                        policy.limit(),
                                        window(policy.window()),
                                        policy.key(),
                                        refused.resetSeconds())),
                            headers));
                  }
                  exchange
                      .getResponse()
                      .beforeCommit(
                          () -> {
                            // another limit filter of the call (a product's) lists its own too
                            headers.forEach(
                                (name, value) -> addToList(exchange.getResponse(), name, value));
                            return Mono.empty();
                          });
                  return chain.filter(exchange);
                });
  }

  private Mono<Outcome> consume(Prepared prepared, String key) {
    RateLimitPolicy policy = prepared.policy();
    return limiter
        .tryConsume(key, prepared.configuration(), policy.window())
        .map(probe -> outcome(policy, probe))
        .onErrorResume(
            error -> {
              meters.counter("junction.gateway.ratelimit.errors").increment();
              long now = System.nanoTime();
              long last = lastWarning.get();
              if (now - last > 10 * NANOS_PER_SECOND && lastWarning.compareAndSet(last, now)) {
                log.warn(
                    "rate limit {}: the bucket store failed ({}); admitting calls meanwhile",
                    policy.name(),
                    error.toString());
              }
              return Mono.just(new Outcome(policy, true, policy.limit(), 0));
            });
  }

  public static Outcome outcome(RateLimitPolicy policy, ConsumptionProbe probe) {
    if (probe.isConsumed()) {
      return new Outcome(
          policy, true, probe.getRemainingTokens(), ceilSeconds(probe.getNanosToWaitForReset()));
    }
    return new Outcome(policy, false, 0, Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill())));
  }

  private static void addToList(ServerHttpResponse response, String name, String value) {
    String earlier = response.getHeaders().getFirst(name);
    response.getHeaders().set(name, earlier == null ? value : earlier + ", " + value);
  }

  /** {@code RateLimit-Policy} and {@code RateLimit} for the policies checked. */
  public static Map<String, String> headers(List<Outcome> outcomes) {
    List<String> policies = new ArrayList<>();
    List<String> limits = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      String name = "\"" + outcome.policy().name() + "\"";
      policies.add(
          name + ";q=" + outcome.policy().limit() + ";w=" + outcome.policy().window().toSeconds());
      limits.add(name + ";r=" + outcome.remaining() + ";t=" + outcome.resetSeconds());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("RateLimit-Policy", String.join(", ", policies));
    headers.put("RateLimit", String.join(", ", limits));
    return headers;
  }

  /** The bucket of the caller for a policy. */
  static String key(RateLimitPolicy policy, ServerWebExchange exchange, Principal principal) {
    return key(
        policy,
        principal,
        exchange.getRequest().getRemoteAddress(),
        exchange.getRequest().getHeaders()::getFirst,
        exchange.getAttributeOrDefault(RateLimitKey.SUBSCRIPTION_ATTRIBUTE, "-"));
  }

  /**
   * The bucket of a call under {@code policy}.
   *
   * @param principal the caller, or null
   * @param remote the client's address, or null
   * @param header a request header's first value by name (null when absent)
   * @param subscription the call's subscription id, or {@code -}
   */
  public static String key(
      RateLimitPolicy policy,
      Principal principal,
      SocketAddress remote,
      Function<String, String> header,
      String subscription) {
    RateLimitKey key = policy.key();
    String value =
        switch (key.kind()) {
          case CLIENT -> Callers.key(principal);
          case SUBJECT -> subject(principal);
          case IP ->
              remote instanceof InetSocketAddress address && address.getAddress() != null
                  ? address.getAddress().getHostAddress()
                  : "-";
          // header values may be secrets (subscription keys): only their hash is kept
          case HEADER -> {
            String sent = header.apply(key.header());
            yield sent == null ? "-" : Hashes.sha256(sent);
          }
          case SUBSCRIPTION -> subscription;
        };
    return bucketKey(policy, value);
  }

  /** The bucket of one value of a policy's key, e.g. of one subscription id. */
  public static String bucketKey(RateLimitPolicy policy, String value) {
    // limit and window in the key: a changed policy starts fresh buckets instead of old ones
    return KEY_PREFIX
        + policy.name()
        + ":"
        + policy.limit()
        + "/"
        + policy.window().toSeconds()
        + ":"
        + policy.key()
        + ":"
        + value;
  }

  private static String subject(Principal principal) {
    return principal == null ? "-" : principal.getName();
  }

  private static long ceilSeconds(long nanos) {
    return (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
  }

  private static String window(Duration window) {
    return window.toSeconds() + " s";
  }

  /** The bucket configuration of a policy. */
  public static BucketConfiguration configuration(RateLimitPolicy policy) {
    return BucketConfiguration.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(policy.limit())
                // a full quota at the start of each window: "20 per 10 s", not a trickle
                .refillIntervally(policy.limit(), policy.window())
                .build())
        .build();
  }

  /** A policy with its bucket configuration, built once per route. */
  private record Prepared(RateLimitPolicy policy, BucketConfiguration configuration) {
    Prepared(RateLimitPolicy policy) {
      this(policy, RateLimitGatewayFilterFactory.configuration(policy));
    }
  }
}
