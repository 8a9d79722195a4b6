package dev.junction.orchestrator.run;

import static dev.junction.orchestrator.TestWorkflows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.orchestrator.TestWorkflows;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.RunStatus;
import dev.junction.wire.WorkflowRequested;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A step that waits until an instant the request names, on a durable timer. */
class WaitUntilTest {

  private final WorkflowEngine engine = new WorkflowEngine("orchestrator.replies");
  private final WorkflowDefinition remind =
      TestWorkflows.loader()
          .parse(
              "remind.yaml",
              """
              name: remind
              version: "1"
              steps:
                - id: wait
                  until: ${request.body.at}
                - id: send
                  connector: http-connector
                  connection: c
                  operation: request
                  input: {path: /remind}
              response: {status: 204}
              """);

  private Transition start(String at) {
    WorkflowRequested request = TestWorkflows.createOrderRequest("run-w");
    request.setWorkflow("remind");
    request.setBody("{\"at\":" + at + "}");
    return engine.start(remind, request, T0);
  }

  private static RunTimer delay(Transition transition) {
    return transition.effects().stream()
        .filter(Effect.ScheduleTimer.class::isInstance)
        .map(e -> ((Effect.ScheduleTimer) e).timer())
        .filter(t -> t.kind() == RunTimer.Kind.DELAY)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void waitsUntilTheInstantThenGoesOn() {
    Transition started = start("\"2025-01-01T12:00:00+02:00\"");
    RunTimer timer = delay(started);
    assertThat(timer.dueAt()).isEqualTo(Instant.parse("2025-01-01T10:00:00Z"));

    Transition woken = engine.onTimer(remind, started.state(), timer, timer.dueAt());
    assertThat(woken.effects()).anyMatch(Effect.SendCommand.class::isInstance);
  }

  @Test
  void anInstantInThePastIsDueAtOnceAndEpochMillisWork() {
    assertThat(delay(start("\"2020-01-01T00:00:00Z\"")).dueAt()).isEqualTo(T0);
    assertThat(delay(start(Long.toString(T0.plusSeconds(90).toEpochMilli()))).dueAt())
        .isEqualTo(T0.plusSeconds(90));
  }

  @Test
  void somethingThatIsNoInstantFailsTheRunWithAClearProblem() {
    Transition failed = start("\"next tuesday\"");

    assertThat(failed.state().getStatus()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.state().getProblem().getDetail())
        .isEqualTo(
            "until of step 'wait': 'next tuesday' is not an ISO-8601 instant such as"
                + " 2026-12-01T09:00:00Z");
  }
}
