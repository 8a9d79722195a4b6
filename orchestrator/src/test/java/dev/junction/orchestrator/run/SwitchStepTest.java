package dev.junction.orchestrator.run;

import static dev.junction.orchestrator.TestWorkflows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.orchestrator.TestWorkflows;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunStatus;
import dev.junction.wire.StepStatus;
import dev.junction.wire.WorkflowRequested;
import org.junit.jupiter.api.Test;

/** A switch runs the first case whose condition holds, the default otherwise, or nothing. */
class SwitchStepTest {

  private static final String SHIP =
      """
      name: ship
      version: "1"
      steps:
        - id: ship
          switch:
            - id: express
              when: ${request.body.speed == 'express'}
              connector: http-connector
              connection: c
              operation: request
              input: {path: /courier}
            - id: freight
              when: ${request.body.speed == 'freight'}
              connector: http-connector
              connection: c
              operation: request
              input: {path: /freight}
              compensate: {connector: http-connector, connection: c, operation: request,
                           input: {path: /freight/undo}}
        - id: pay
          connector: http-connector
          connection: c
          operation: request
          input: {path: /pay, body: {how: "${steps.ship.status}"}}
      response: {status: 200}
      """;

  private final WorkflowEngine engine = new WorkflowEngine("orchestrator.replies");
  private final WorkflowDefinition ship = TestWorkflows.loader().parse("ship.yaml", SHIP);

  private Transition start(String speed) {
    WorkflowRequested request = TestWorkflows.createOrderRequest("run-s");
    request.setWorkflow("ship");
    request.setBody("{\"speed\":\"" + speed + "\"}");
    return engine.start(ship, request, T0);
  }

  private static InvokeConnector command(Transition transition) {
    return transition.effects().stream()
        .filter(Effect.SendCommand.class::isInstance)
        .map(e -> ((Effect.SendCommand) e).command())
        .findFirst()
        .orElseThrow();
  }

  private Transition reply(Transition last, ConnectorOutcome outcome) {
    InvokeConnector command = command(last);
    return engine.onReply(
        ship,
        last.state(),
        ConnectorReply.newBuilder()
            .setRunId(command.getRunId())
            .setStepId(command.getStepId())
            .setAttempt(command.getAttempt())
            .setOutcome(outcome)
            .setOutput("{\"status\":200,\"body\":{}}")
            .setError(outcome == ConnectorOutcome.SUCCEEDED ? null : "declined")
            .build(),
        T0.plusMillis(5));
  }

  @Test
  void runsTheFirstCaseWhoseConditionHolds() {
    Transition started = start("freight");
    assertThat(command(started).getStepId()).isEqualTo("ship.freight");

    Transition shipped = reply(started, ConnectorOutcome.SUCCEEDED);
    assertThat(shipped.state().getSteps().getFirst().getOutput())
        .isEqualTo("{\"case\":\"freight\",\"output\":{\"status\":200,\"body\":{}}}");
    assertThat(command(shipped).getStepId()).isEqualTo("pay");

    Transition failed = reply(shipped, ConnectorOutcome.FAILED);
    assertThat(failed.state().getStatus()).isEqualTo(RunStatus.COMPENSATING);
    assertThat(command(failed).getStepId()).isEqualTo("compensate:ship.freight");
  }

  @Test
  void skipsTheStepWhenNoCaseApplies() {
    Transition started = start("walking");

    assertThat(started.state().getSteps().getFirst().getStatus()).isEqualTo(StepStatus.SKIPPED);
    assertThat(command(started).getInput())
        .isEqualTo("{\"path\":\"/pay\",\"body\":{\"how\":\"SKIPPED\"}}");
  }
}
