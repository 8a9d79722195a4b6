package dev.junction.orchestrator.run;

import static dev.junction.orchestrator.TestWorkflows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.orchestrator.TestWorkflows;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.orchestrator.workflow.WorkflowDefinitions;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunState;
import dev.junction.wire.RunStatus;
import dev.junction.wire.RunStatusChanged;
import dev.junction.wire.StepStatus;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkflowEngineTest {

  private static final String RUN = "run-1";
  private final WorkflowEngine engine = new WorkflowEngine("orchestrator.replies");
  private final WorkflowDefinition createOrder = TestWorkflows.createOrder();

  private static ConnectorReply reply(
      String step, int attempt, ConnectorOutcome outcome, String output, String error) {
    return ConnectorReply.newBuilder()
        .setRunId(RUN)
        .setStepId(step)
        .setAttempt(attempt)
        .setOutcome(outcome)
        .setOutput(output)
        .setError(error)
        .build();
  }

  private static ConnectorReply succeeded(String step, String body) {
    return reply(
        step,
        1,
        ConnectorOutcome.SUCCEEDED,
        "{\"status\":201,\"headers\":{},\"body\":" + body + "}",
        null);
  }

  private static InvokeConnector command(Transition transition) {
    return transition.effects().stream()
        .filter(Effect.SendCommand.class::isInstance)
        .map(e -> ((Effect.SendCommand) e).command())
        .findFirst()
        .orElseThrow();
  }

  private static Effect.SendReply workflowReply(Transition transition) {
    return transition.effects().stream()
        .filter(Effect.SendReply.class::isInstance)
        .map(Effect.SendReply.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private Transition started() {
    return engine.start(createOrder, TestWorkflows.createOrderRequest(RUN), T0);
  }

  @Test
  void runsTwoStepsAndRepliesWithTheMappedResponse() {
    Transition start = started();
    InvokeConnector reserve = command(start);
    assertThat(start.effects().getFirst()).isInstanceOf(Effect.PublishEvent.class);
    assertThat(((Effect.SendCommand) start.effects().get(1)).topic())
        .isEqualTo("http-connector.commands");
    assertThat(reserve.getStepId()).isEqualTo("reserve");
    assertThat(reserve.getAttempt()).isEqualTo(1);
    assertThat(reserve.getIdempotencyKey()).isEqualTo("run-1:reserve:1");
    assertThat(reserve.getConnection()).isEqualTo("inventory");
    assertThat(reserve.getReplyTopic()).isEqualTo("orchestrator.replies");
    assertThat(reserve.getInput())
        .isEqualTo(
            "{\"method\":\"POST\",\"path\":\"/reservations\",\"body\":{\"sku\":\"SKU-1\",\"quantity\":2}}");
    assertThat(start.state().getStatus()).isEqualTo(RunStatus.RUNNING);
    assertThat(start.state().getWorkflowVersion()).isEqualTo("1");

    Transition afterReserve =
        engine.onReply(
            createOrder,
            start.state(),
            succeeded("reserve", "{\"reservationId\":\"res-9\"}"),
            T0.plusMillis(20));
    InvokeConnector create = command(afterReserve);
    assertThat(create.getStepId()).isEqualTo("create");
    assertThat(create.getInput()).contains("\"reservationId\":\"res-9\"", "\"customerId\":\"c-1\"");
    assertThat(afterReserve.state().getCurrentStep()).isEqualTo(1);
    assertThat(afterReserve.state().getSteps().getFirst().getStatus())
        .isEqualTo(StepStatus.SUCCEEDED);

    Instant end = T0.plusMillis(50);
    Transition done =
        engine.onReply(
            createOrder,
            afterReserve.state(),
            succeeded("create", "{\"orderId\":\"o-42\",\"status\":\"PLACED\"}"),
            end);
    Effect.SendReply sent = workflowReply(done);
    WorkflowReply reply = sent.reply();
    assertThat(sent.topic()).isEqualTo("gateway.replies");
    assertThat(sent.partition()).isEqualTo(3);
    assertThat(reply.getOutcome()).isEqualTo(WorkflowOutcome.SUCCEEDED);
    assertThat(reply.getStatus()).isEqualTo(201);
    assertThat(reply.getHeaders()).containsEntry("X-Order-Id", "o-42");
    assertThat(reply.getBody())
        .isEqualTo("{\"orderId\":\"o-42\",\"reservationId\":\"res-9\",\"status\":\"PLACED\"}");
    assertThat(reply.getCompletedAt()).isEqualTo(end);
    assertThat(done.state().getStatus()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.state().getReply()).isEqualTo(reply);
    assertThat(done.effects())
        .filteredOn(Effect.PublishEvent.class::isInstance)
        .map(e -> ((Effect.PublishEvent) e).event())
        .extracting(RunStatusChanged::getStatus)
        .containsExactly(RunStatus.RUNNING, RunStatus.COMPLETED);
  }

  @Test
  void aFailedStepEndsTheRunWithTheDefinitionsFailureMapping() {
    Transition start = started();

    Transition failed =
        engine.onReply(
            createOrder,
            start.state(),
            reply(
                "reserve",
                1,
                ConnectorOutcome.FAILED,
                "{\"status\":409}",
                "inventory: 409 out of stock"),
            T0.plusMillis(10));

    WorkflowReply reply = workflowReply(failed).reply();
    assertThat(reply.getOutcome()).isEqualTo(WorkflowOutcome.FAILED);
    assertThat(reply.getStatus()).isEqualTo(502);
    assertThat(reply.getProblem().getType()).isEqualTo("https://junction.dev/problems/step-failed");
    assertThat(reply.getProblem().getTitle()).isEqualTo("The order could not be placed");
    assertThat(reply.getProblem().getStatus()).isEqualTo(502);
    assertThat(reply.getProblem().getDetail())
        .isEqualTo("step 'reserve' failed: inventory: 409 out of stock");
    assertThat(failed.state().getStatus()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.state().getSteps().getFirst().getStatus()).isEqualTo(StepStatus.FAILED);
    assertThat(failed.effects()).noneMatch(Effect.SendCommand.class::isInstance);
  }

  @Test
  void staleAndRepeatedRepliesChangeNothing() {
    RunState waiting = started().state();

    assertThat(engine.onReply(createOrder, waiting, succeeded("create", "{}"), T0))
        .isEqualTo(Transition.unchanged());
    assertThat(
            engine.onReply(
                createOrder,
                waiting,
                reply("reserve", 2, ConnectorOutcome.SUCCEEDED, "{}", null),
                T0))
        .isEqualTo(Transition.unchanged());

    RunState next =
        engine
            .onReply(createOrder, waiting, succeeded("reserve", "{\"reservationId\":\"r\"}"), T0)
            .state();
    assertThat(
            engine.onReply(
                createOrder, next, succeeded("reserve", "{\"reservationId\":\"r\"}"), T0))
        .isEqualTo(Transition.unchanged());

    RunState failed =
        engine
            .onReply(
                createOrder,
                next,
                reply("create", 1, ConnectorOutcome.FATAL_ERROR, null, "boom"),
                T0)
            .state();
    assertThat(engine.onReply(createOrder, failed, succeeded("create", "{}"), T0))
        .isEqualTo(Transition.unchanged());
  }

  @Test
  void anExpressionFailureEndsTheRunWith500() {
    RunState waiting = started().state();

    // the reply lacks body.reservationId, which the next step's input reads
    Transition failed =
        engine.onReply(
            createOrder, waiting, succeeded("reserve", "{\"id\":\"x\"}"), T0.plusMillis(5));

    WorkflowReply reply = workflowReply(failed).reply();
    assertThat(reply.getStatus()).isEqualTo(500);
    assertThat(reply.getProblem().getType())
        .isEqualTo("https://junction.dev/problems/expression-failed");
    assertThat(reply.getProblem().getDetail())
        .startsWith(
            "input of step 'create': expression 'steps.reserve.output.body.reservationId' at body.reservationId failed");
    assertThat(failed.state().getStatus()).isEqualTo(RunStatus.FAILED);
    assertThat(failed.effects()).noneMatch(Effect.SendCommand.class::isInstance);
  }

  @Test
  void anUnknownWorkflowEndsTheRunWith500() {
    WorkflowDefinitions none =
        new WorkflowDefinitions() {
          @Override
          public Optional<WorkflowDefinition> current(String name) {
            return Optional.empty();
          }

          @Override
          public Optional<WorkflowDefinition> find(String name, String version) {
            return Optional.empty();
          }

          @Override
          public java.util.Collection<WorkflowDefinition> currentDefinitions() {
            return java.util.List.of();
          }
        };
    RunHandler handler = new RunHandler(none, engine);

    Transition transition = handler.onRequested(null, TestWorkflows.createOrderRequest(RUN), T0);

    WorkflowReply reply = workflowReply(transition).reply();
    assertThat(reply.getStatus()).isEqualTo(500);
    assertThat(reply.getProblem().getType())
        .isEqualTo("https://junction.dev/problems/unknown-workflow");
    assertThat(reply.getProblem().getDetail()).contains("create-order");
    assertThat(transition.state().getStatus()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void aRepeatedRequestForAnExistingRunIsIgnored() {
    WorkflowDefinitions catalog =
        new WorkflowDefinitions() {
          @Override
          public Optional<WorkflowDefinition> current(String name) {
            return Optional.of(createOrder);
          }

          @Override
          public Optional<WorkflowDefinition> find(String name, String version) {
            return Optional.of(createOrder);
          }

          @Override
          public java.util.Collection<WorkflowDefinition> currentDefinitions() {
            return java.util.List.of(createOrder);
          }
        };
    RunHandler handler = new RunHandler(catalog, engine);
    RunState existing =
        handler.onRequested(null, TestWorkflows.createOrderRequest(RUN), T0).state();

    assertThat(handler.onRequested(existing, TestWorkflows.createOrderRequest(RUN), T0))
        .isEqualTo(Transition.unchanged());
  }
}
