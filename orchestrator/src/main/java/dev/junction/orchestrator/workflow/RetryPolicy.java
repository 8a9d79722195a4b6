package dev.junction.orchestrator.workflow;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * When and how a failed attempt of a step (or a compensation) is tried again: exponential backoff
 * from {@code initialInterval}, multiplied by {@code multiplier} after each failure, capped at
 * {@code maxInterval}, spread by up to {@code jitter} (a fraction) either way so that runs failing
 * together do not retry together.
 *
 * @param maxAttempts attempts in all, the first included; 1 means no retry
 * @param initialInterval wait before the second attempt
 * @param multiplier growth of the wait per further attempt, at least 1
 * @param maxInterval the longest wait
 * @param jitter fraction in [0, 1] by which each wait varies either way
 * @param on the failures that are retried; others end the step at once
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialInterval,
    double multiplier,
    Duration maxInterval,
    double jitter,
    Set<RetryOn> on) {

  /** No retry: the first failure ends the step. */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2, defaultOn());

  /** Compensations retry unless told otherwise: they must not give up on a passing fault. */
  public static final RetryPolicy COMPENSATION_DEFAULT =
      new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 0.2, defaultOn());

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    Objects.requireNonNull(initialInterval, "initialInterval");
    Objects.requireNonNull(maxInterval, "maxInterval");
    if (multiplier < 1) {
      throw new IllegalArgumentException("multiplier must be at least 1");
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be between 0 and 1");
    }
    on = Set.copyOf(on);
  }

  /** The failures retried when a policy does not say: technical failures that may pass. */
  public static Set<RetryOn> defaultOn() {
    return EnumSet.of(RetryOn.RETRYABLE_ERROR, RetryOn.TIMEOUT);
  }

  /** Whether attempt {@code attempt} failing with {@code failure} leads to another attempt. */
  public boolean retries(RetryOn failure, int attempt) {
    return attempt < maxAttempts && on.contains(failure);
  }

  /**
   * The wait after failed attempt {@code attempt}.
   *
   * @param spread a number in [0, 1) that picks the point within the jitter range; the engine
   *     derives it from the run, step and attempt so that replaying a transition gives the same
   *     wait
   */
  public Duration backoff(int attempt, double spread) {
    double base = initialInterval.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    double capped = Math.min(base, maxInterval.toMillis());
    double factor = 1 + jitter * (2 * spread - 1);
    return Duration.ofMillis(Math.max(0, Math.round(capped * factor)));
  }

  /** Kinds of failure a policy can retry. */
  public enum RetryOn {
    /** The connector replied RETRYABLE_ERROR (a technical failure that may pass). */
    RETRYABLE_ERROR,
    /** The connector replied FATAL_ERROR (a technical failure that will not pass by itself). */
    FATAL_ERROR,
    /** The connector replied FAILED (the backend refused: a business failure). */
    FAILED,
    /** No reply came within the step's timeout. */
    TIMEOUT
  }
}
