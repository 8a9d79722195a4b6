package dev.junction.orchestrator;

import dev.junction.orchestrator.expression.ExpressionCompiler;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.orchestrator.workflow.WorkflowLoader;
import dev.junction.wire.WorkflowRequested;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** Shared test data: the sample workflow of the repository and requests for it. */
public final class TestWorkflows {

  /** The repository's workflow folder, seen from the module's directory (Surefire's cwd). */
  public static final Path WORKFLOWS_DIR = Path.of("..", "workflows");

  public static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  private TestWorkflows() {}

  /** A saga: retries, a timeout, a condition, a delay, compensations, a deadline. */
  public static final String TRIP =
      """
      name: book-trip
      version: "1"
      timeout: 60s
      steps:
        - id: flight
          connector: http-connector
          connection: airline
          operation: request
          input: {method: POST, path: /bookings, body: {to: "${request.body.to}"}}
          timeout: 5s
          retry: {maxAttempts: 3, initialInterval: 1s, multiplier: 2, maxInterval: 10s, jitter: 0}
          compensate:
            connector: http-connector
            connection: airline
            operation: request
            input: {method: DELETE, path: "/bookings/${steps.flight.output.body.id}"}
            retry: {maxAttempts: 2, initialInterval: 1s, jitter: 0}
        - id: hotel
          when: ${request.body.nights > 0}
          connector: http-connector
          connection: hotels
          operation: request
          input: {method: POST, path: /stays}
          compensate:
            connector: http-connector
            connection: hotels
            operation: request
            input: {method: DELETE, path: "/stays/${steps.hotel.output.body.id}"}
            retry: {maxAttempts: 2, initialInterval: 1s, jitter: 0}
        - id: pause
          delay: 2s
        - id: payment
          connector: http-connector
          connection: payments
          operation: request
          input: {method: POST, path: /charges}
      response:
        status: 201
        body: {flight: "${steps.flight.output.body.id}"}
      failure:
        status: 502
        title: The trip could not be booked
      """;

  public static WorkflowLoader loader() {
    return new WorkflowLoader(new ExpressionCompiler(1000));
  }

  public static WorkflowDefinition createOrder() {
    return loader().load(WORKFLOWS_DIR.resolve("create-order.yaml"));
  }

  public static WorkflowRequested createOrderRequest(String runId) {
    return WorkflowRequested.newBuilder()
        .setRunId(runId)
        .setWorkflow("create-order")
        .setApi("orders")
        .setApiVersion("v1")
        .setOperation("createOrder")
        .setMethod("POST")
        .setPath("/orders/v1/orders")
        .setPathParams(Map.of())
        .setQuery(Map.of())
        .setHeaders(Map.of())
        .setBody("{\"customerId\":\"c-1\",\"sku\":\"SKU-1\",\"quantity\":2}")
        .setPrincipal("alice")
        .setClientId("shop")
        .setReplyTopic("gateway.replies")
        .setReplyPartition(3)
        .setRequestedAt(T0)
        .setDeadline(T0.plusSeconds(5))
        .build();
  }
}
