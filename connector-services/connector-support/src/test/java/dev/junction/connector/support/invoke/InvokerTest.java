package dev.junction.connector.support.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.ConnectorOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InvokerTest {

  private static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final EchoConnector connector = new EchoConnector();

  /** A connector of its own: answers with its input, or with what the input names. */
  private static final class EchoConnector implements Connector {
    final List<Duration> timesLeft = new ArrayList<>();

    @Override
    public Set<String> connections() {
      return Set.of("inventory");
    }

    @Override
    public Set<String> operations() {
      return Set.of("echo", "explode");
    }

    @Override
    public CallResult perform(Invocation invocation, Duration timeLeft) {
      timesLeft.add(timeLeft);
      if (invocation.operation().equals("explode")) {
        throw new IllegalStateException("bug");
      }
      return new CallResult.Succeeded(invocation.input());
    }
  }

  private Invoker invoker(int duplicateWindow) {
    return new Invoker(
        connector, "echo-connector", meters, Clock.fixed(NOW, ZoneOffset.UTC), duplicateWindow);
  }

  private static Invocation invocation(String connection, String operation, String key) {
    return new Invocation(connection, operation, "{\"n\":1}", key, null);
  }

  private double calls(String connection, String outcome) {
    return meters
        .get(Invoker.CALLS_METRIC)
        .tag("connection", connection)
        .tag("outcome", outcome)
        .counter()
        .count();
  }

  @Test
  void performsTheCommandCountsAndTimesIt() throws Exception {
    Completion completion = invoker(10).invoke(invocation("inventory", "echo", "r:s:1"));

    assertThat(completion.result()).isEqualTo(new CallResult.Succeeded("{\"n\":1}"));
    assertThat(calls("inventory", "SUCCEEDED")).isEqualTo(1.0);
    assertThat(meters.get(Invoker.DURATION_METRIC).tag("connection", "inventory").timer().count())
        .isEqualTo(1);
    assertThat(connector.timesLeft).containsExactly(Invocation.NO_DEADLINE);
  }

  @Test
  void aRedeliveredCommandIsAnsweredAgainWithoutPerformingItTwice() throws Exception {
    Invoker invoker = invoker(10);
    Completion first = invoker.invoke(invocation("inventory", "echo", "r:s:1"));
    Completion again = invoker.invoke(invocation("inventory", "echo", "r:s:1"));
    invoker.invoke(invocation("inventory", "echo", "r:s:2"));

    assertThat(again).isSameAs(first);
    assertThat(connector.timesLeft).hasSize(2);
  }

  @Test
  void withoutADuplicateWindowEveryDeliveryIsPerformed() throws Exception {
    Invoker invoker = invoker(0);
    invoker.invoke(invocation("inventory", "echo", "r:s:1"));
    invoker.invoke(invocation("inventory", "echo", "r:s:1"));

    assertThat(connector.timesLeft).hasSize(2);
  }

  @Test
  void anUnknownConnectionIsFatalAndTaggedUnknown() throws Exception {
    Completion completion = invoker(10).invoke(invocation("billing", "echo", "k1"));

    assertThat(completion.result())
        .isEqualTo(new CallResult.FatalError("unknown connection 'billing'"));
    assertThat(calls("unknown", "FATAL_ERROR")).isEqualTo(1.0);
    assertThat(connector.timesLeft).isEmpty();
  }

  @Test
  void anUnknownOperationIsFatalAndNamesTheOffer() throws Exception {
    Completion completion = invoker(10).invoke(invocation("inventory", "query", "k2"));

    assertThat(completion.result().outcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(completion.result().error())
        .isEqualTo(
            "connection 'inventory': unknown operation 'query' (the echo-connector offers"
                + " ['echo', 'explode'])");
  }

  @Test
  void aDefectInTheConnectorIsFatalNotAnException() throws Exception {
    Completion completion = invoker(10).invoke(invocation("inventory", "explode", "k3"));

    assertThat(completion.result())
        .isEqualTo(new CallResult.FatalError("connector internal error (IllegalStateException)"));
    assertThat(calls("inventory", "FATAL_ERROR")).isEqualTo(1.0);
  }

  @Test
  void aCommandPastItsDeadlineIsNotPerformed() throws Exception {
    Completion completion =
        invoker(10).invoke(new Invocation("inventory", "echo", "{}", "k4", NOW.minusMillis(1)));

    assertThat(completion.result().outcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
    assertThat(completion.result().error()).contains("deadline passed");
    assertThat(connector.timesLeft).isEmpty();
  }

  @Test
  void aCommandWithinItsDeadlineGetsTheTimeLeft() throws Exception {
    invoker(10).invoke(new Invocation("inventory", "echo", "{}", "k5", NOW.plusSeconds(30)));

    assertThat(connector.timesLeft).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void theLimitIsTheShorterOfOwnTimeoutAndTimeLeft() {
    assertThat(Invocation.limit(Duration.ofSeconds(10), Duration.ofSeconds(3)))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(Invocation.limit(Duration.ofSeconds(10), Invocation.NO_DEADLINE))
        .isEqualTo(Duration.ofSeconds(10));
  }
}
