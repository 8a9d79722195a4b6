package dev.junction.connector.http.resilience;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How one connection protects itself and its backend ({@code connections.<name>.resilience.*}).
 *
 * @param retry attempts within one command
 * @param circuitBreaker stops calling a failing backend for a while
 * @param bulkhead caps concurrent calls to the backend
 */
public record ResilienceSettings(
    @DefaultValue @Valid @NotNull Retry retry,
    @DefaultValue @Valid @NotNull CircuitBreaker circuitBreaker,
    @DefaultValue @Valid @NotNull Bulkhead bulkhead) {

  /** The defaults, as {@code @DefaultValue} declares them. */
  public static ResilienceSettings defaults() {
    return new ResilienceSettings(
        new Retry(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(2), Duration.ofSeconds(5)),
        new CircuitBreaker(50, 20, 10, Duration.ofSeconds(10), 3),
        new Bulkhead(32, Duration.ZERO));
  }

  /**
   * Retries of a call that ended {@code RETRYABLE_ERROR} (connection refused, I/O error, timeout,
   * 408, 429, 5xx), within the call's time budget.
   *
   * @param maxAttempts attempts in all, the first included ({@code 1}: no retry)
   * @param initialBackoff wait before the second attempt
   * @param multiplier factor of each further wait
   * @param maxBackoff longest wait between attempts
   * @param maxRetryAfter longest {@code Retry-After} honoured; a longer one ends the command with
   *     {@code RETRYABLE_ERROR} at once, leaving the wait to the workflow
   */
  public record Retry(
      @DefaultValue("3") @Min(1) @Max(10) int maxAttempts,
      @DefaultValue("100ms") @NotNull Duration initialBackoff,
      @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
      @DefaultValue("2s") @NotNull Duration maxBackoff,
      @DefaultValue("5s") @NotNull Duration maxRetryAfter) {}

  /**
   * A count-based circuit breaker over the last calls; {@code RETRYABLE_ERROR} results count as
   * failures. While open, commands are answered {@code RETRYABLE_ERROR} without calling.
   *
   * @param failureRateThreshold percentage of failed calls that opens it
   * @param slidingWindowSize calls the failure rate is computed over
   * @param minimumNumberOfCalls calls needed before the rate counts
   * @param waitInOpenState how long it stays open before letting trial calls through
   * @param permittedCallsInHalfOpenState trial calls that decide whether it closes again
   */
  public record CircuitBreaker(
      @DefaultValue("50") @Min(1) @Max(100) int failureRateThreshold,
      @DefaultValue("20") @Positive int slidingWindowSize,
      @DefaultValue("10") @Positive int minimumNumberOfCalls,
      @DefaultValue("10s") @NotNull Duration waitInOpenState,
      @DefaultValue("3") @Positive int permittedCallsInHalfOpenState) {}

  /**
   * @param maxConcurrentCalls calls to the backend at the same time, across the instance's threads
   * @param maxWait how long a call waits for a free slot before it is answered {@code
   *     RETRYABLE_ERROR}
   */
  public record Bulkhead(
      @DefaultValue("32") @Positive int maxConcurrentCalls,
      @DefaultValue("0s") @NotNull Duration maxWait) {}
}
