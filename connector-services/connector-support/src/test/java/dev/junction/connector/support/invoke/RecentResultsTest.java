package dev.junction.connector.support.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecentResultsTest {

  private static Completion withOutput(int chars) {
    return new Completion(new CallResult.Succeeded("x".repeat(chars)), Duration.ZERO);
  }

  @Test
  void forgetsTheEldestBeyondItsCapacity() {
    RecentResults recent = new RecentResults(2, 1_000);
    recent.put("a", withOutput(1));
    recent.put("b", withOutput(1));
    recent.put("c", withOutput(1));

    assertThat(recent.get("a")).isNull();
    assertThat(recent.get("b")).isNotNull();
    assertThat(recent.get("c")).isNotNull();
  }

  @Test
  void forgetsTheEldestBeyondItsCharacterBudget() {
    RecentResults recent = new RecentResults(100, 1_000);
    recent.put("a", withOutput(400));
    recent.put("b", withOutput(400));
    recent.put("c", withOutput(400));

    assertThat(recent.get("a")).isNull();
    assertThat(recent.size()).isEqualTo(2);
  }

  @Test
  void doesNotKeepAnOutputLargerThanTheWholeBudget() {
    RecentResults recent = new RecentResults(100, 1_000);
    recent.put("a", withOutput(10));
    recent.put("huge", withOutput(1_001));

    assertThat(recent.get("huge")).isNull();
    assertThat(recent.get("a")).isNotNull();
  }
}
