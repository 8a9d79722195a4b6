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
 * @param transforms header, path and body transformations (the operation's own merged onto the
 *     API's, see {@link Transforms#merge})
 * @param jwt which tokens are accepted (the operation's own keys replace the API's, its required
 *     claims add to them); empty means the gateway's defaults
 * @param subscription subscription keys (the operation's own replaces the API's)
 */
public record Policies(
    List<RateLimitPolicy> rateLimits,
    Optional<IpFilterPolicy> ipFilter,
    Optional<RequestLimits> requestLimits,
    Optional<IdempotencyPolicy> idempotency,
    Optional<CachePolicy> cache,
    Transforms transforms,
    Optional<JwtPolicy> jwt,
    Optional<SubscriptionPolicy> subscription) {

  public static final Policies NONE =
      new Policies(
          List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** Policies without transformations or a JWT policy of their own. */
  public Policies(
      List<RateLimitPolicy> rateLimits,
      Optional<IpFilterPolicy> ipFilter,
      Optional<RequestLimits> requestLimits,
      Optional<IdempotencyPolicy> idempotency,
      Optional<CachePolicy> cache) {
    this(
        rateLimits, ipFilter, requestLimits, idempotency, cache, Transforms.NONE, Optional.empty());
  }

  /** Policies without a subscription policy of their own. */
  public Policies(
      List<RateLimitPolicy> rateLimits,
      Optional<IpFilterPolicy> ipFilter,
      Optional<RequestLimits> requestLimits,
      Optional<IdempotencyPolicy> idempotency,
      Optional<CachePolicy> cache,
      Transforms transforms,
      Optional<JwtPolicy> jwt) {
    this(
        rateLimits, ipFilter, requestLimits, idempotency, cache, transforms, jwt, Optional.empty());
  }

  public Policies {
    rateLimits = List.copyOf(rateLimits);
    transforms = transforms == null ? Transforms.NONE : transforms;
  }

  /** Policies without transformations of their own. */
  public Policies(
      List<RateLimitPolicy> rateLimits,
      Optional<IpFilterPolicy> ipFilter,
      Optional<RequestLimits> requestLimits,
      Optional<IdempotencyPolicy> idempotency,
      Optional<CachePolicy> cache,
      Optional<JwtPolicy> jwt) {
    this(rateLimits, ipFilter, requestLimits, idempotency, cache, Transforms.NONE, jwt);
  }

  /** Policies without a JWT policy of their own. */
  public Policies(
      List<RateLimitPolicy> rateLimits,
      Optional<IpFilterPolicy> ipFilter,
      Optional<RequestLimits> requestLimits,
      Optional<IdempotencyPolicy> idempotency,
      Optional<CachePolicy> cache,
      Transforms transforms) {
    this(rateLimits, ipFilter, requestLimits, idempotency, cache, transforms, Optional.empty());
  }
}
