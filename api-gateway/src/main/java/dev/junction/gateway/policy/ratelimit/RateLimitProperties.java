package dev.junction.gateway.policy.ratelimit;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where rate-limit buckets live ({@code junction.gateway.rate-limit.*}).
 *
 * @param redisUrl Redis shared by every gateway instance, e.g. {@code redis://127.0.0.1:6379};
 *     empty keeps the buckets in each instance's memory (one instance only: with several, each
 *     would admit the full limit)
 * @param redisTimeout longest wait for Redis per call; past it the call is admitted (fail open)
 * @param maxKeys most buckets (or, with Redis, bucket handles) kept in memory, least recently used
 *     dropped first
 */
@Validated
@ConfigurationProperties("junction.gateway.rate-limit")
public record RateLimitProperties(
    @DefaultValue("") String redisUrl,
    @DefaultValue("500ms") @NotNull Duration redisTimeout,
    @DefaultValue("100000") @Positive long maxKeys) {

  public boolean usesRedis() {
    return redisUrl != null && !redisUrl.isBlank();
  }
}
