package dev.junction.gateway.catalog;

import java.time.Duration;

/**
 * At most {@code limit} calls per {@code window} for each value of {@code key}. The calls of every
 * operation that shares the policy (an API-level policy covers all its operations) count against
 * the same bucket.
 *
 * @param name the policy's name: the API (e.g. {@code petstore-v3}), followed by {@code
 *     .operationId} for an operation's own policy; names the buckets and the {@code
 *     RateLimit-Policy} header
 * @param limit calls admitted per window
 * @param window the window; a full quota is granted at the start of each
 * @param key whom the limit applies to
 */
public record RateLimitPolicy(String name, long limit, Duration window, RateLimitKey key) {}
