package dev.junction.connector.http.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.connector.http.call.HttpConnection;
import dev.junction.connector.http.call.HttpOperation;
import dev.junction.connector.http.testing.TestBackend;
import dev.junction.wire.ConnectorOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class InvokerTest {

  private static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");
  private static final String GET_STOCK = "{\"method\":\"GET\",\"path\":\"/stock\"}";

  private final JsonMapper json = JsonMapper.builder().build();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TestBackend backend;
  private HttpOperation operation;
  private Invoker invoker;

  @BeforeEach
  void start() {
    backend = TestBackend.start();
    backend.on("/inventory/stock", 200, "application/json", "{\"available\":3}");
    operation = new HttpOperation(HttpOperation.defaultClient(), json);
    HttpConnection inventory =
        new HttpConnection("inventory", backend.url().resolve("/inventory"), Duration.ofSeconds(5));
    invoker =
        new Invoker(
            Map.of("inventory", inventory),
            operation,
            json,
            meters,
            Clock.fixed(NOW, ZoneOffset.UTC),
            100);
  }

  @AfterEach
  void stop() {
    operation.close();
    backend.close();
  }

  private static Invocation invocation(
      String connection, String operation, String input, String key) {
    return new Invocation(connection, operation, input, key, null);
  }

  @Test
  void callsTheConnectionAndCountsTheOutcome() throws Exception {
    Completion completion = invoker.invoke(invocation("inventory", "request", GET_STOCK, "r:s:1"));

    assertThat(completion.result().outcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    assertThat(
            meters
                .get(Invoker.CALLS_METRIC)
                .tag("connection", "inventory")
                .tag("outcome", "SUCCEEDED")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(meters.get(Invoker.DURATION_METRIC).tag("connection", "inventory").timer().count())
        .isEqualTo(1);
  }

  @Test
  void aRedeliveredCommandIsAnsweredAgainWithoutASecondCall() throws Exception {
    Completion first = invoker.invoke(invocation("inventory", "request", GET_STOCK, "r:s:1"));
    Completion again = invoker.invoke(invocation("inventory", "request", GET_STOCK, "r:s:1"));
    invoker.invoke(invocation("inventory", "request", GET_STOCK, "r:s:2"));

    assertThat(again).isEqualTo(first);
    assertThat(backend.received("/inventory/stock")).hasSize(2);
  }

  @Test
  void anUnknownConnectionIsFatalAndTaggedUnknown() throws Exception {
    Completion completion = invoker.invoke(invocation("billing", "request", GET_STOCK, "k1"));

    assertThat(completion.result().outcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(completion.result().error()).isEqualTo("unknown connection 'billing'");
    assertThat(
            meters
                .get(Invoker.CALLS_METRIC)
                .tag("connection", "unknown")
                .tag("outcome", "FATAL_ERROR")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void anUnknownOperationIsFatal() throws Exception {
    Completion completion = invoker.invoke(invocation("inventory", "query", GET_STOCK, "k2"));

    assertThat(completion.result().outcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(completion.result().error()).contains("inventory", "unknown operation 'query'");
  }

  @Test
  void badInputIsFatalAndNamesTheConnection() throws Exception {
    Completion completion =
        invoker.invoke(invocation("inventory", "request", "{\"path\":1}", "k3"));

    assertThat(completion.result().outcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(completion.result().error()).startsWith("connection 'inventory': input.method");
    assertThat(backend.received()).isEmpty();
  }

  @Test
  void aCommandPastItsDeadlineIsNotSent() throws Exception {
    Completion completion =
        invoker.invoke(new Invocation("inventory", "request", GET_STOCK, "k4", NOW.minusMillis(1)));

    assertThat(completion.result().outcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
    assertThat(completion.result().error()).contains("deadline passed");
    assertThat(backend.received()).isEmpty();
  }

  @Test
  void aCommandWithinItsDeadlineIsSent() throws Exception {
    Completion completion =
        invoker.invoke(
            new Invocation("inventory", "request", GET_STOCK, "k5", NOW.plusSeconds(30)));

    assertThat(completion.result().outcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
  }
}
