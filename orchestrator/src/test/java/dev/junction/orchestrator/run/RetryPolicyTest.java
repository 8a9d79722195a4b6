package dev.junction.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.orchestrator.workflow.RetryPolicy;
import dev.junction.orchestrator.workflow.RetryPolicy.RetryOn;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(
          5,
          Duration.ofMillis(200),
          3.0,
          Duration.ofSeconds(2),
          0.25,
          Set.of(RetryOn.RETRYABLE_ERROR));

  @Test
  void backoffGrowsExponentiallyUpToTheCap() {
    assertThat(policy.backoff(1, 0.5)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoff(2, 0.5)).isEqualTo(Duration.ofMillis(600));
    assertThat(policy.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(1800));
    assertThat(policy.backoff(4, 0.5)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void jitterStaysWithinItsFraction() {
    assertThat(policy.backoff(2, 0.0)).isEqualTo(Duration.ofMillis(450));
    assertThat(policy.backoff(2, 0.999999)).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void spreadIsDeterministicAndVariesAcrossRuns() {
    double a = WorkflowEngine.spread("run-a", "flight", 1);
    assertThat(WorkflowEngine.spread("run-a", "flight", 1)).isEqualTo(a);
    assertThat(a).isBetween(0.0, 1.0);
    long distinct =
        java.util.stream.IntStream.range(0, 100)
            .mapToObj(i -> WorkflowEngine.spread("run-" + i, "flight", 1))
            .map(d -> (int) (d * 10))
            .distinct()
            .count();
    assertThat(distinct).isGreaterThanOrEqualTo(8);
  }

  @Test
  void retriesOnlyListedFailuresAndOnlyUpToMaxAttempts() {
    assertThat(policy.retries(RetryOn.RETRYABLE_ERROR, 4)).isTrue();
    assertThat(policy.retries(RetryOn.RETRYABLE_ERROR, 5)).isFalse();
    assertThat(policy.retries(RetryOn.TIMEOUT, 1)).isFalse();
    assertThat(RetryPolicy.NONE.retries(RetryOn.RETRYABLE_ERROR, 1)).isFalse();
  }
}
