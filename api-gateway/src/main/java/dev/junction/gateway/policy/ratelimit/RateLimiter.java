package dev.junction.gateway.policy.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** Token buckets by key: in this instance's memory, or shared by every instance in Redis. */
public interface RateLimiter extends AutoCloseable {

  /**
   * Takes one token from the bucket of {@code key}, creating it with {@code configuration} when it
   * does not exist (or has expired).
   *
   * @param window the longest refill period of the configuration: how long an idle bucket is kept
   */
  Mono<ConsumptionProbe> tryConsume(String key, BucketConfiguration configuration, Duration window);

  /**
   * The same as {@link #tryConsume}, answered at once by a store that needs no I/O for it; {@code
   * null} from a store that does (the caller then takes the asynchronous way).
   */
  default ConsumptionProbe tryConsumeNow(
      String key, BucketConfiguration configuration, Duration window) {
    return null;
  }

  /**
   * What is left in the bucket of {@code key}, without taking anything; a bucket that does not
   * exist (never used, or expired) is full.
   */
  Mono<Usage> usage(String key, BucketConfiguration configuration, Duration window);

  /**
   * @param remaining calls still admitted in the current window
   * @param nanosToReset time until the bucket is full again (0 when it is full)
   */
  record Usage(long remaining, long nanosToReset) {}

  @Override
  void close();
}
