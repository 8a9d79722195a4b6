package dev.junction.gateway.policy.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.VerboseResult.Diagnostics;
import io.github.bucket4j.local.LocalBucketBuilder;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Buckets in this instance's memory (Bucket4j's lock-free local buckets), at most {@code maxKeys},
 * each dropped once idle for its window: a dropped bucket would be full again anyway.
 */
public final class LocalRateLimiter implements RateLimiter {

  private record Entry(Bucket bucket, Duration window) {}

  private final Cache<String, Entry> buckets;

  public LocalRateLimiter(long maxKeys) {
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(maxKeys)
            .expireAfter(
                Expiry.accessing((String key, Entry entry) -> entry.window().multipliedBy(2)))
            .build();
  }

  @Override
  public Mono<ConsumptionProbe> tryConsume(
      String key, BucketConfiguration configuration, Duration window) {
    return Mono.just(tryConsumeNow(key, configuration, window));
  }

  @Override
  public ConsumptionProbe tryConsumeNow(
      String key, BucketConfiguration configuration, Duration window) {
    Entry entry = buckets.get(key, k -> new Entry(bucket(configuration), window));
    return entry.bucket().tryConsumeAndReturnRemaining(1);
  }

  @Override
  public Mono<Usage> usage(String key, BucketConfiguration configuration, Duration window) {
    Entry entry = buckets.getIfPresent(key);
    if (entry == null) {
      return Mono.just(new Usage(configuration.getBandwidths()[0].getCapacity(), 0));
    }
    Diagnostics diagnostics = entry.bucket().asVerbose().getAvailableTokens().getDiagnostics();
    return Mono.just(
        new Usage(diagnostics.getAvailableTokens(), diagnostics.calculateFullRefillingTime()));
  }

  private static Bucket bucket(BucketConfiguration configuration) {
    LocalBucketBuilder builder = Bucket.builder();
    for (Bandwidth bandwidth : configuration.getBandwidths()) {
      builder.addLimit(bandwidth);
    }
    return builder.build();
  }

  @Override
  public void close() {
    buckets.invalidateAll();
  }
}
