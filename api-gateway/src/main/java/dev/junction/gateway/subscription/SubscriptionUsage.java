package dev.junction.gateway.subscription;

import dev.junction.gateway.catalog.RateLimitPolicy;
import dev.junction.gateway.policy.ratelimit.RateLimitGatewayFilterFactory;
import dev.junction.gateway.policy.ratelimit.RateLimiter;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** How much of its product's rate limit and quota a subscription used in the current windows. */
public final class SubscriptionUsage {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final RateLimiter limiter;
  private final ProductService products;

  public SubscriptionUsage(RateLimiter limiter, ProductService products) {
    this.limiter = limiter;
    this.products = products;
  }

  /**
   * One limit's state.
   *
   * @param name the policy name ({@code <product>.rateLimit} or {@code <product>.quota}), as in the
   *     {@code RateLimit-Policy} header
   * @param limit calls admitted per window
   * @param windowSeconds the window
   * @param used calls counted in the current window
   * @param remaining calls left in it
   * @param resetSeconds seconds until the full limit is available again (0 when nothing is used)
   */
  public record Limit(
      String name, long limit, long windowSeconds, long used, long remaining, long resetSeconds) {}

  /** The usage of each limit of the subscription's product (none if the product is gone). */
  public Mono<List<Limit>> of(Subscription subscription) {
    List<RateLimitPolicy> limits =
        products.current().find(subscription.product()).map(Product::limits).orElse(List.of());
    return Flux.fromIterable(limits)
        .concatMap(
            policy ->
                limiter
                    .usage(
                        RateLimitGatewayFilterFactory.bucketKey(policy, subscription.id()),
                        RateLimitGatewayFilterFactory.configuration(policy),
                        policy.window())
                    .map(
                        usage ->
                            new Limit(
                                policy.name(),
                                policy.limit(),
                                policy.window().toSeconds(),
                                policy.limit() - usage.remaining(),
                                usage.remaining(),
                                (usage.nanosToReset() + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND)))
        .collectList();
  }
}
