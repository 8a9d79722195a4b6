package dev.junction.orchestrator.web;

import static dev.junction.orchestrator.TestWorkflows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.orchestrator.TestWorkflows;
import dev.junction.orchestrator.run.RunCommands;
import dev.junction.orchestrator.run.RunHistory;
import dev.junction.orchestrator.run.RunLookup;
import dev.junction.orchestrator.run.WorkflowEngine;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.RunState;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

class RunsControllerTest {

  private static WebTestClient client(RunLookup lookup) {
    RunHistory noHistory = query -> new RunHistory.Unavailable("not in this test");
    RunCommands.Sender noSender =
        new RunCommands.Sender() {
          @Override
          public void send(dev.junction.wire.RunControl control) {
            throw new AssertionError("unexpected send");
          }

          @Override
          public void send(dev.junction.wire.WorkflowRequested request) {
            throw new AssertionError("unexpected send");
          }

          @Override
          public String colocatedRunId(String runId) {
            throw new AssertionError("unexpected resubmit");
          }
        };
    return WebTestClient.bindToController(
            new RunsController(
                lookup,
                noHistory,
                new RunCommands(noSender),
                new RunForwarder(
                    org.springframework.web.reactive.function.client.WebClient.create()),
                java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC)))
        .configureClient()
        // the first request warms up the whole web stack, slow on a busy machine
        .responseTimeout(java.time.Duration.ofSeconds(30))
        .build();
  }

  /** A run whose first step failed. */
  private static RunState failedRun() {
    WorkflowEngine engine = new WorkflowEngine("orchestrator.replies");
    var definition = TestWorkflows.createOrder();
    RunState started =
        engine.start(definition, TestWorkflows.createOrderRequest("run-1"), T0).state();
    ConnectorReply reply =
        ConnectorReply.newBuilder()
            .setRunId("run-1")
            .setStepId("reserve")
            .setAttempt(1)
            .setOutcome(ConnectorOutcome.FAILED)
            .setOutput("{\"status\":409,\"body\":{\"error\":\"out of stock\"}}")
            .setError("inventory: 409 Conflict")
            .build();
    return engine.onReply(definition, started, reply, T0.plusMillis(15)).state();
  }

  @Test
  void servesARunAsTheContractsJson() {
    client(id -> new RunLookup.Found(failedRun()))
        .get()
        .uri("/runs/run-1")
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .contentType(MediaType.APPLICATION_JSON)
        .expectBody()
        .jsonPath("$.runId")
        .isEqualTo("run-1")
        .jsonPath("$.workflow")
        .isEqualTo("create-order")
        .jsonPath("$.workflowVersion")
        .isEqualTo("1")
        .jsonPath("$.status")
        .isEqualTo("FAILED")
        .jsonPath("$.startedAt")
        .isEqualTo("2025-01-01T10:00:00Z")
        .jsonPath("$.updatedAt")
        .isEqualTo("2025-01-01T10:00:00.015Z")
        .jsonPath("$.steps[0].stepId")
        .isEqualTo("reserve")
        .jsonPath("$.steps[0].status")
        .isEqualTo("FAILED")
        .jsonPath("$.steps[0].attempt")
        .isEqualTo(1)
        .jsonPath("$.steps[0].input.body.quantity")
        .isEqualTo(2)
        .jsonPath("$.steps[0].output.body.error")
        .isEqualTo("out of stock")
        .jsonPath("$.steps[0].error")
        .isEqualTo("inventory: 409 Conflict")
        .jsonPath("$.steps[0].endedAt")
        .isEqualTo("2025-01-01T10:00:00.015Z")
        // the contract lists response as null, not absent, on failure
        .jsonPath("$")
        .value(json -> assertThat((Map<String, Object>) json).containsEntry("response", null))
        .jsonPath("$.problem.type")
        .isEqualTo("https://junction.dev/problems/step-failed")
        .jsonPath("$.problem.status")
        .isEqualTo(502)
        .jsonPath("$.problem.detail")
        .isEqualTo("step 'reserve' failed: inventory: 409 Conflict");
  }

  @Test
  void unknownRunIsA404Problem() {
    client(id -> new RunLookup.NotFound())
        .get()
        .uri("/runs/nope")
        .exchange()
        .expectStatus()
        .isNotFound()
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://junction.dev/problems/run-not-found")
        .jsonPath("$.status")
        .isEqualTo(404);
  }

  @Test
  void unavailableStoreIsA503ProblemWithRetryAfter() {
    client(id -> new RunLookup.Unavailable("the run store is REBALANCING"))
        .get()
        .uri("/runs/run-1")
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .valueEquals("Retry-After", "1")
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo(503)
        .jsonPath("$.detail")
        .isEqualTo("the run store is REBALANCING");
  }

  @Test
  void mergesPagesOfSeveralInstancesNewestFirst() {
    RunsController.RunLine a = line("a", "2026-11-26T09:00:03Z");
    RunsController.RunLine b = line("b", "2026-11-26T09:00:02Z");
    RunsController.RunLine c = line("c", "2026-11-26T09:00:01Z");
    RunsController.RunPage own = new RunsController.RunPage(java.util.List.of(a, c), null);
    RunsController.RunPage other = new RunsController.RunPage(java.util.List.of(b), null);

    RunsController.RunPage page = RunsController.merge(own, java.util.List.of(other), 2);

    assertThat(page.runs()).containsExactly(a, b);
    assertThat(page.next()).isEqualTo(b.cursor());
    assertThat(RunsController.merge(own, java.util.List.of(other), 3).next()).isNull();
  }

  private static RunsController.RunLine line(String id, String startedAt) {
    return new RunsController.RunLine(id, "w", "1", "COMPLETED", startedAt, startedAt, null);
  }
}
