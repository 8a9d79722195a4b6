package dev.junction.connector.http.resilience;

import dev.junction.connector.http.call.Exchange;
import dev.junction.connector.support.invoke.CallResult;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resilience4j around the calls of one connection: retry with exponential backoff (or the backend's
 * {@code Retry-After}) within the call's time budget, a circuit breaker that answers at once while
 * the backend keeps failing, and a bulkhead that caps concurrent calls.
 *
 * <p>Order per command: Retry( Bulkhead( CircuitBreaker( attempt ) ) ). An attempt refused by the
 * breaker or the bulkhead is not retried: failing fast is their point.
 */
public final class ConnectionGuard {

  /** Time an attempt needs at the least; a retry with less left is not made. */
  private static final Duration MINIMUM_ATTEMPT = Duration.ofMillis(10);

  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  /** One attempt of the call, given the time it may take. */
  @FunctionalInterface
  public interface Attempt {
    Exchange perform(Duration timeout) throws InterruptedException;
  }

  /** The result of one attempt and what the retry makes of it. */
  private record Step(CallResult result, boolean retry, Duration pause) {}

  /** Recorded by the breaker for a failed attempt; never thrown. */
  private static final class BackendFailure extends Exception {
    BackendFailure(String message) {
      super(message, null, false, false);
    }
  }

  private final String connection;
  private final Retry retry;
  private final CircuitBreaker breaker;
  private final Bulkhead bulkhead;
  private final IntervalFunction backoff;
  private final Duration maxRetryAfter;

  /**
   * @param connection the connection's name, also the name of its retry, breaker and bulkhead in
   *     the registries (and so the {@code name} tag of their metrics)
   */
  public ConnectionGuard(
      String connection,
      ResilienceSettings settings,
      RetryRegistry retries,
      CircuitBreakerRegistry breakers,
      BulkheadRegistry bulkheads) {
    this.connection = connection;
    ResilienceSettings.Retry retrySettings = settings.retry();
    this.backoff =
        IntervalFunction.ofExponentialBackoff(
            retrySettings.initialBackoff(), retrySettings.multiplier(), retrySettings.maxBackoff());
    this.maxRetryAfter = retrySettings.maxRetryAfter();
    RetryConfig retryConfig =
        RetryConfig.<Step>custom()
            .maxAttempts(retrySettings.maxAttempts())
            .retryOnResult(Step::retry)
            .intervalBiFunction((attempt, outcome) -> outcome.get().pause().toMillis())
            .retryOnException(failure -> false)
            .failAfterMaxAttempts(false)
            .build();
    this.retry = retries.retry(connection, retryConfig);
    ResilienceSettings.CircuitBreaker breakerSettings = settings.circuitBreaker();
    this.breaker =
        breakers.circuitBreaker(
            connection,
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breakerSettings.slidingWindowSize())
                .minimumNumberOfCalls(breakerSettings.minimumNumberOfCalls())
                .failureRateThreshold(breakerSettings.failureRateThreshold())
                .waitDurationInOpenState(breakerSettings.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(
                    breakerSettings.permittedCallsInHalfOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
    this.breaker
        .getEventPublisher()
        .onStateTransition(
            event ->
                log.warn(
                    "Connection {}: circuit breaker {}", connection, event.getStateTransition()));
    this.bulkhead =
        bulkheads.bulkhead(
            connection,
            BulkheadConfig.custom()
                .maxConcurrentCalls(settings.bulkhead().maxConcurrentCalls())
                .maxWaitDuration(settings.bulkhead().maxWait())
                .build());
  }

  /** The breaker's state, e.g. for tests and health. */
  public CircuitBreaker.State state() {
    return breaker.getState();
  }

  /**
   * Performs {@code attempt} once or more within {@code limit}.
   *
   * @throws InterruptedException when the thread is interrupted (shutdown)
   */
  public CallResult call(Attempt attempt, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    AtomicInteger attempts = new AtomicInteger();
    try {
      Step last =
          retry.executeCheckedSupplier(() -> once(attempt, deadline, attempts.incrementAndGet()));
      return last.result();
    } catch (InterruptedException e) {
      throw e;
    } catch (Throwable e) {
      if (Thread.currentThread().isInterrupted()) {
        // Resilience4j's wait between attempts was interrupted
        throw new InterruptedException("interrupted between attempts on connection " + connection);
      }
      throw new IllegalStateException("Retry of connection " + connection + " failed", e);
    }
  }

  private Step once(Attempt attempt, long deadline, int number) throws InterruptedException {
    String prefix = "connection '" + connection + "': ";
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      return new Step(
          new CallResult.RetryableError(null, prefix + "no time left for attempt " + number),
          false,
          Duration.ZERO);
    }
    if (!bulkhead.tryAcquirePermission()) {
      return new Step(
          new CallResult.RetryableError(
              null, prefix + "too many concurrent calls (bulkhead full), backend not called"),
          false,
          Duration.ZERO);
    }
    try {
      if (!breaker.tryAcquirePermission()) {
        return new Step(
            new CallResult.RetryableError(
                null, prefix + "circuit breaker open, backend not called"),
            false,
            Duration.ZERO);
      }
      long start = System.nanoTime();
      Exchange exchange;
      try {
        exchange = attempt.perform(Duration.ofNanos(left));
      } catch (InterruptedException | RuntimeException e) {
        breaker.releasePermission();
        throw e;
      }
      long took = System.nanoTime() - start;
      CallResult result = exchange.result();
      if (result instanceof CallResult.RetryableError failed) {
        breaker.onError(took, TimeUnit.NANOSECONDS, new BackendFailure(failed.error()));
      } else {
        breaker.onSuccess(took, TimeUnit.NANOSECONDS);
      }
      return next(result, exchange.retryAfter(), number, deadline);
    } finally {
      bulkhead.onComplete();
    }
  }

  /** Whether to try again, and after what wait: the backend's Retry-After wins over the backoff. */
  private Step next(CallResult result, Duration retryAfter, int number, long deadline) {
    if (!(result instanceof CallResult.RetryableError)) {
      return new Step(result, false, Duration.ZERO);
    }
    if (retryAfter != null && retryAfter.compareTo(maxRetryAfter) > 0) {
      return new Step(result, false, Duration.ZERO);
    }
    if (breaker.getState() == CircuitBreaker.State.OPEN) {
      // this failure opened the breaker: answer with it rather than with a refused retry
      return new Step(result, false, Duration.ZERO);
    }
    Duration wait = retryAfter != null ? retryAfter : Duration.ofMillis(backoff.apply(number));
    Duration left = Duration.ofNanos(deadline - System.nanoTime());
    boolean timeForAnother = left.minus(wait).compareTo(MINIMUM_ATTEMPT) > 0;
    return new Step(result, timeForAnother, wait);
  }
}
