package dev.junction.gateway.policy.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;

/**
 * Buckets in Redis, shared by every gateway instance: Bucket4j's compare-and-swap proxy manager
 * over Lettuce (non-blocking), so concurrent instances never admit more than the limit together.
 * Each instance batches the concurrent calls of one key into one Redis exchange (Bucket4j's
 * batching optimization, on a proxy kept per key): without it, every call of a busy key races the
 * others' compare-and-swap and retries. Keys expire once the bucket would be full again.
 */
public final class RedisRateLimiter implements RateLimiter {

  private final AsyncProxyManager<byte[]> buckets;
  private final Cache<String, AsyncBucketProxy> proxies;
  private final Duration timeout;

  /**
   * @param connection the shared Redis connection (its owner closes it)
   * @param timeout longest wait for Redis per call
   * @param maxKeys most bucket proxies kept in this instance
   */
  public RedisRateLimiter(
      StatefulRedisConnection<byte[], byte[]> connection, Duration timeout, long maxKeys) {
    this.timeout = timeout;
    this.buckets =
        Bucket4jLettuce.casBasedBuilder(connection)
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    Duration.ofSeconds(10)))
            .requestTimeout(timeout)
            .build()
            .asAsync();
    this.proxies =
        Caffeine.newBuilder()
            .maximumSize(maxKeys)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();
  }

  @Override
  public Mono<ConsumptionProbe> tryConsume(
      String key, BucketConfiguration configuration, Duration window) {
    AsyncBucketProxy bucket =
        proxies.get(
            key,
            k ->
                buckets
                    .builder()
                    .withOptimization(Optimizations.batching())
                    .build(
                        k.getBytes(StandardCharsets.UTF_8),
                        () -> CompletableFuture.completedFuture(configuration)));
    return Mono.fromFuture(() -> bucket.tryConsumeAndReturnRemaining(1)).timeout(timeout);
  }

  @Override
  public Mono<Usage> usage(String key, BucketConfiguration configuration, Duration window) {
    // a plain proxy: the verbose API reports the bucket's state, which batching does not
    AsyncBucketProxy bucket =
        buckets
            .builder()
            .build(
                key.getBytes(StandardCharsets.UTF_8),
                () -> CompletableFuture.completedFuture(configuration));
    return Mono.fromFuture(() -> bucket.asVerbose().getAvailableTokens())
        .map(
            result ->
                new Usage(
                    result.getDiagnostics().getAvailableTokens(),
                    result.getDiagnostics().calculateFullRefillingTime()))
        .timeout(timeout);
  }

  @Override
  public void close() {
    proxies.invalidateAll();
  }
}
