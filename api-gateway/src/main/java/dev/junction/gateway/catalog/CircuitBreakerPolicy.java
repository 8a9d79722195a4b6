package dev.junction.gateway.catalog;

import java.time.Duration;

/**
 * The circuit breaker in front of a pass-through backend (Resilience4j, count-based window). A call
 * fails when it cannot connect, times out, or gets a 5xx answer.
 *
 * @param enabled whether the backend has one
 * @param failureRateThreshold failure percentage (of the window) that opens the circuit
 * @param slidingWindow number of recent calls the failure rate is computed over
 * @param minimumCalls calls needed before the rate is computed at all
 * @param openFor how long an open circuit refuses calls (503) before letting a few probe calls
 *     through
 */
public record CircuitBreakerPolicy(
    boolean enabled,
    float failureRateThreshold,
    int slidingWindow,
    int minimumCalls,
    Duration openFor) {

  public static final CircuitBreakerPolicy DEFAULT =
      new CircuitBreakerPolicy(true, 50, 20, 10, Duration.ofSeconds(30));
}
