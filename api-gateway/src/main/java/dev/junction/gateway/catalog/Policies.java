package dev.junction.gateway.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The policies applied to one operation's calls, the API's and its own combined.
 *
 * @param rateLimits rate limits, API-wide first
 * @param ipFilter allowed and denied caller addresses (the operation's own replaces the API's)
 * @param requestLimits body and header size limits (the operation's own replaces the API's)
 * @param idempotency {@code Idempotency-Key} handling (the operation's own replaces the API's)
 * @param cache response caching (the operation's own replaces the API's)
 * @param subscription subscription keys (the operation's own replaces the API's)
 */
public record Policies(
    List<RateLimitPolicy> rateLimits,
    Optional<IpFilterPolicy> ipFilter,
    Optional<RequestLimits> requestLimits,
    Optional<IdempotencyPolicy> idempotency,
    Optional<CachePolicy> cache,
    Optional<SubscriptionPolicy> subscription) {

  public static final Policies NONE =
      new Policies(
          List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  public Policies {
    rateLimits = List.copyOf(rateLimits);
  }

  /** Policies without a subscription policy of their own. */
  public Policies(
      List<RateLimitPolicy> rateLimits,
      Optional<IpFilterPolicy> ipFilter,
      Optional<RequestLimits> requestLimits,
      Optional<IdempotencyPolicy> idempotency,
      Optional<CachePolicy> cache) {
    this(rateLimits, ipFilter, requestLimits, idempotency, cache, Optional.empty());
  }
}
