package dev.junction.gateway.policy.ratelimit;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Rate-limit settings ({@code junction.gateway.rate-limit.*}); where the buckets live is {@code
 * junction.gateway.redis.url}.
 *
 * @param maxKeys most buckets (or, with Redis, bucket handles) kept in memory, least recently used
 *     dropped first
 */
@Validated
@ConfigurationProperties("junction.gateway.rate-limit")
public record RateLimitProperties(@DefaultValue("100000") @Positive long maxKeys) {}
