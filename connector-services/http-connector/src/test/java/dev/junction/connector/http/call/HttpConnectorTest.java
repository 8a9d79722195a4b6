package dev.junction.connector.http.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.connector.http.resilience.ConnectionGuard;
import dev.junction.connector.http.resilience.ResilienceSettings;
import dev.junction.connector.http.testing.TestBackend;
import dev.junction.connector.support.invoke.CallResult;
import dev.junction.connector.support.invoke.Invocation;
import dev.junction.wire.ConnectorOutcome;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class HttpConnectorTest {

  private final JsonMapper json = JsonMapper.builder().build();
  private TestBackend backend;
  private HttpOperation operation;
  private HttpConnector connector;

  @BeforeEach
  void start() {
    backend = TestBackend.start();
    backend.on("/inventory/stock", 200, "application/json", "{\"available\":3}");
    operation = new HttpOperation(HttpOperation.defaultClient(), json);
    connector =
        new HttpConnector(
            Map.of(
                "inventory",
                new HttpConnection(
                    "inventory", backend.url().resolve("/inventory"), Duration.ofSeconds(5))),
            Map.of(
                "inventory",
                new ConnectionGuard(
                    "inventory",
                    ResilienceSettings.defaults(),
                    RetryRegistry.ofDefaults(),
                    CircuitBreakerRegistry.ofDefaults(),
                    BulkheadRegistry.ofDefaults())),
            operation,
            json);
  }

  @AfterEach
  void stop() {
    operation.close();
    backend.close();
  }

  @Test
  void callsTheConnectionWithTheIdempotencyKey() throws Exception {
    CallResult result =
        connector.perform(
            new Invocation(
                "inventory", "request", "{\"method\":\"GET\",\"path\":\"/stock\"}", "r:s:1", null),
            Invocation.NO_DEADLINE);

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    assertThat(backend.received("/inventory/stock").getFirst().header("Idempotency-Key"))
        .isEqualTo("r:s:1");
  }

  @Test
  void badInputIsFatalAndNamesTheConnection() throws Exception {
    CallResult result =
        connector.perform(
            new Invocation("inventory", "request", "{\"path\":1}", "k3", null),
            Invocation.NO_DEADLINE);

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(result.error()).startsWith("connection 'inventory': input.method");
    assertThat(backend.received()).isEmpty();
  }

  @Test
  void theCallEndsWhenTheTimeLeftIsUp() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    backend.on("/inventory/slow", TestBackend.heldUntil(release));
    try {
      CallResult result =
          connector.perform(
              new Invocation(
                  "inventory", "request", "{\"method\":\"GET\",\"path\":\"/slow\"}", "k6", null),
              Duration.ofMillis(200));

      assertThat(result.outcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
      assertThat(result.error()).containsPattern("GET /slow timed out after [12][0-9]{2} ms");
    } finally {
      release.countDown();
    }
  }
}
