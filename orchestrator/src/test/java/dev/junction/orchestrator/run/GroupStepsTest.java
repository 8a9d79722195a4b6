package dev.junction.orchestrator.run;

import static dev.junction.orchestrator.TestWorkflows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.orchestrator.TestWorkflows;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunState;
import dev.junction.wire.RunStatus;
import dev.junction.wire.StepState;
import dev.junction.wire.StepStatus;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parallel branches (join all, join first) and forEach with a concurrency bound. */
class GroupStepsTest {

  private static final String RUN = "run-9";

  private static final String TRIP =
      """
      name: trip
      version: "1"
      steps:
        - id: flight
          connector: http-connector
          connection: c
          operation: request
          input: {path: /flights}
          compensate: {connector: http-connector, connection: c, operation: request,
                       input: {path: "/flights/${steps.flight.output.body.id}", method: DELETE}}
        - id: stay
          parallel:
            join: %s
            branches:
              - id: hotel
                connector: http-connector
                connection: c
                operation: request
                input: {path: /hotels}
                compensate: {connector: http-connector, connection: c, operation: request,
                             input: {path: "/hotels/undo", method: DELETE}}
              - id: car
                connector: http-connector
                connection: c
                operation: request
                input: {path: /cars}
                compensate: {connector: http-connector, connection: c, operation: request,
                             input: {path: "/cars/undo", method: DELETE}}
        - id: notify
          forEach: ${request.body.guests}
          concurrency: 2
          connector: http-connector
          connection: c
          operation: request
          input: {path: "/mail/${item.name}", body: {n: "${index}"}}
          compensate: {connector: http-connector, connection: c, operation: request,
                       input: {path: "/mail/${item.name}/recall", method: DELETE}}
        - id: pay
          connector: http-connector
          connection: c
          operation: request
          input: {path: /pay, body: {stay: "${steps.stay.output}"}}
      response: {status: 200, body: {mails: "${steps.notify.output}"}}
      """;

  private final WorkflowEngine engine = new WorkflowEngine("orchestrator.replies");

  private final class Run {
    final WorkflowDefinition definition;
    RunState state;
    Transition last;

    Run(String join, String guests) {
      definition = TestWorkflows.loader().parse("trip.yaml", TRIP.formatted(join));
      WorkflowRequested request = TestWorkflows.createOrderRequest(RUN);
      request.setWorkflow("trip");
      request.setBody("{\"guests\":" + guests + "}");
      apply(engine.start(definition, request, T0));
    }

    Transition apply(Transition transition) {
      last = transition;
      if (transition.changed()) {
        state = transition.state();
      }
      return transition;
    }

    Transition reply(String stepId, ConnectorOutcome outcome, String body) {
      return apply(
          engine.onReply(
              definition,
              state,
              ConnectorReply.newBuilder()
                  .setRunId(RUN)
                  .setStepId(stepId)
                  .setAttempt(1)
                  .setOutcome(outcome)
                  .setOutput(body == null ? null : "{\"status\":200,\"body\":" + body + "}")
                  .setError(outcome == ConnectorOutcome.SUCCEEDED ? null : "no")
                  .build(),
              T0.plusMillis(state.getSequence())));
    }

    Transition ok(String stepId) {
      return reply(stepId, ConnectorOutcome.SUCCEEDED, "{\"id\":\"" + stepId + "\"}");
    }
  }

  private static List<String> commands(Transition transition) {
    return transition.effects().stream()
        .filter(Effect.SendCommand.class::isInstance)
        .map(e -> ((Effect.SendCommand) e).command())
        .map(InvokeConnector::getStepId)
        .toList();
  }

  private static InvokeConnector command(Transition transition, String stepId) {
    return transition.effects().stream()
        .filter(Effect.SendCommand.class::isInstance)
        .map(e -> ((Effect.SendCommand) e).command())
        .filter(c -> c.getStepId().equals(stepId))
        .findFirst()
        .orElseThrow();
  }

  private static WorkflowReply reply(Transition transition) {
    return transition.effects().stream()
        .filter(Effect.SendReply.class::isInstance)
        .map(e -> ((Effect.SendReply) e).reply())
        .findFirst()
        .orElseThrow();
  }

  private static StepState step(RunState state, String id) {
    return state.getSteps().stream()
        .filter(s -> s.getStepId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void runsBranchesTogetherAndItemsWithinTheirBound() {
    Run run = new Run("all", "[{\"name\":\"ann\"},{\"name\":\"bo\"},{\"name\":\"cy\"}]");
    assertThat(commands(run.ok("flight"))).containsExactly("stay.hotel", "stay.car");

    assertThat(commands(run.ok("stay.car"))).isEmpty();
    assertThat(step(run.state, "stay").getStatus()).isEqualTo(StepStatus.RUNNING);
    // the last branch completes the step; the forEach starts its first two items
    assertThat(commands(run.ok("stay.hotel"))).containsExactly("notify[0]", "notify[1]");
    assertThat(command(run.last, "notify[1]").getInput())
        .isEqualTo("{\"path\":\"/mail/bo\",\"body\":{\"n\":1}}");

    assertThat(commands(run.ok("notify[1]"))).containsExactly("notify[2]");
    assertThat(commands(run.ok("notify[2]"))).isEmpty();
    InvokeConnector pay = command(run.ok("notify[0]"), "pay");
    assertThat(pay.getInput())
        .isEqualTo(
            "{\"path\":\"/pay\",\"body\":{\"stay\":{\"hotel\":{\"status\":200,\"body\":{\"id\":"
                + "\"stay.hotel\"}},\"car\":{\"status\":200,\"body\":{\"id\":\"stay.car\"}}}}}");

    run.ok("pay");
    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPLETED);
    // the forEach output keeps the items' order, whatever order they finished in
    assertThat(reply(run.last).getBody())
        .contains("\"mails\":[{\"status\":200,\"body\":{\"id\":\"notify[0]\"}}");
  }

  @Test
  void aFailedBranchFailsTheStepAndTheDoneWorkIsCompensatedNewestFirst() {
    Run run = new Run("all", "[]");
    run.ok("flight");
    run.ok("stay.hotel");
    run.reply("stay.car", ConnectorOutcome.FAILED, "{}");

    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPENSATING);
    assertThat(commands(run.last)).containsExactly("compensate:stay.hotel");
    assertThat(commands(run.ok("compensate:stay.hotel"))).containsExactly("compensate:flight");
    run.ok("compensate:flight");

    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPENSATED);
    assertThat(reply(run.last).getProblem().getDetail())
        .isEqualTo(
            "step 'stay' failed: branch 'car' failed: no; compensated steps stay.hotel, flight");
  }

  @Test
  void joinFirstTakesTheFirstSuccessAndIgnoresTheOther() {
    Run run = new Run("first", "[]");
    run.ok("flight");
    run.reply("stay.car", ConnectorOutcome.RETRYABLE_ERROR, null);
    assertThat(step(run.state, "stay").getStatus()).isEqualTo(StepStatus.RUNNING);

    run.ok("stay.hotel");
    StepState stay = step(run.state, "stay");
    assertThat(stay.getStatus()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(stay.getOutput()).startsWith("{\"branch\":\"hotel\"");
    // an empty forEach succeeds at once: the run is at pay
    assertThat(commands(run.last)).containsExactly("pay");
  }

  @Test
  void aFailedItemStopsTheOthersAndCompensatesTheDoneOnes() {
    Run run = new Run("all", "[{\"name\":\"ann\"},{\"name\":\"bo\"},{\"name\":\"cy\"}]");
    run.ok("flight");
    run.ok("stay.hotel");
    run.ok("stay.car");
    run.ok("notify[0]");
    run.reply("notify[1]", ConnectorOutcome.FATAL_ERROR, null);

    List<StepState> notify =
        run.state.getGroups().stream()
            .filter(g -> g.getStepId().equals("notify"))
            .findFirst()
            .orElseThrow()
            .getChildren();
    assertThat(notify)
        .extracting(StepState::getStatus)
        .containsExactly(StepStatus.SUCCEEDED, StepStatus.FAILED, StepStatus.CANCELLED);
    InvokeConnector recall = command(run.last, "compensate:notify[0]");
    assertThat(recall.getInput()).contains("/mail/ann/recall");
    // a late reply of the abandoned item changes nothing
    assertThat(run.reply("notify[2]", ConnectorOutcome.SUCCEEDED, "{}").changed()).isFalse();
  }

  @Test
  void resumeSendsEveryAttemptInFlight() {
    Run run = new Run("all", "[]");
    run.ok("flight");

    List<String> again =
        engine.resume(run.definition, run.state).stream()
            .filter(Effect.SendCommand.class::isInstance)
            .map(e -> ((Effect.SendCommand) e).command().getIdempotencyKey())
            .toList();

    assertThat(again).containsExactly(RUN + ":stay.hotel:1", RUN + ":stay.car:1");
  }
}
