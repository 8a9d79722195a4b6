package dev.junction.orchestrator.run;

import dev.junction.contract.Topics;
import dev.junction.orchestrator.expression.ExpressionEvaluationException;
import dev.junction.orchestrator.expression.Template;
import dev.junction.orchestrator.workflow.StepDefinition;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.Problem;
import dev.junction.wire.RunState;
import dev.junction.wire.RunStatus;
import dev.junction.wire.RunStatusChanged;
import dev.junction.wire.StepState;
import dev.junction.wire.StepStatus;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The saga engine: pure functions from a run's state and an incoming message to the next state and
 * the messages to send. No I/O and no clock, so every transition is reproducible and testable
 * without a broker, and a redelivered message can be recognised from the state alone.
 *
 * <p>A run walks its steps in order: each step's input is evaluated when the step starts, its
 * command carries the attempt number, and only a reply for the current step's latest attempt moves
 * the run on. Retries, timers and compensation fit the same shape later: a retry is a new attempt
 * of the current step, a timer a message like a reply.
 */
public final class WorkflowEngine {

  private final String connectorReplyTopic;

  /**
   * @param connectorReplyTopic the topic connectors reply to, carried in each command
   */
  public WorkflowEngine(String connectorReplyTopic) {
    this.connectorReplyTopic = connectorReplyTopic;
  }

  /** Starts a run of {@code definition}: records it and sends the first step's command. */
  public Transition start(WorkflowDefinition definition, WorkflowRequested request, Instant now) {
    RunState state = newRun(request, definition.version(), now);
    List<Effect> effects = new ArrayList<>();
    effects.add(event(state, null, null, "run started", now));
    return advance(definition, state, effects, now);
  }

  /** Ends a run at once because no workflow of the requested name is loaded. */
  public Transition unknownWorkflow(WorkflowRequested request, Instant now) {
    RunState state = newRun(request, "", now);
    Problem problem =
        new Problem(
            ProblemTypes.UNKNOWN_WORKFLOW,
            "Unknown workflow",
            500,
            "no workflow named '" + request.getWorkflow() + "' is loaded");
    return fail(state, problem, new ArrayList<>(), now);
  }

  /**
   * Handles a connector's reply. A reply that does not answer the current step's latest attempt, or
   * that arrives after the run ended, changes nothing.
   */
  public Transition onReply(
      WorkflowDefinition definition, RunState state, ConnectorReply reply, Instant now) {
    if (!answersCurrentAttempt(state, reply)) {
      return Transition.unchanged();
    }
    int index = state.getCurrentStep();
    StepState step = state.getSteps().get(index);
    boolean succeeded = reply.getOutcome() == ConnectorOutcome.SUCCEEDED;
    StepState ended =
        StepState.newBuilder(step)
            .setStatus(succeeded ? StepStatus.SUCCEEDED : StepStatus.FAILED)
            .setOutcome(reply.getOutcome())
            .setOutput(reply.getOutput())
            .setError(reply.getError())
            .setEndedAt(now)
            .build();
    List<StepState> steps = new ArrayList<>(state.getSteps());
    steps.set(index, ended);
    RunState next =
        RunState.newBuilder(state)
            .setSteps(steps)
            .setCurrentStep(succeeded ? index + 1 : index)
            .setUpdatedAt(now)
            .build();
    List<Effect> effects = new ArrayList<>();
    if (succeeded) {
      effects.add(event(next, step.getStepId(), reply.getOutcome(), null, now));
      return advance(definition, next, effects, now);
    }
    // TODO(issue: retries) RETRYABLE_ERROR becomes a new attempt once retry policies exist
    String error = reply.getError() == null ? reply.getOutcome().name() : reply.getError();
    effects.add(event(next, step.getStepId(), reply.getOutcome(), error, now));
    Problem problem =
        new Problem(
            ProblemTypes.STEP_FAILED,
            definition.failure().title(),
            definition.failure().status(),
            "step '" + step.getStepId() + "' failed: " + error);
    return fail(next, problem, effects, now);
  }

  /**
   * Ends a running run whose pinned definition version is no longer loaded (e.g. its file changed
   * version and the orchestrator restarted), when a reply for it arrives.
   */
  public Transition definitionMissing(RunState state, ConnectorReply reply, Instant now) {
    if (!answersCurrentAttempt(state, reply)) {
      return Transition.unchanged();
    }
    Problem problem =
        new Problem(
            ProblemTypes.UNKNOWN_WORKFLOW,
            "Unknown workflow",
            500,
            "version "
                + state.getWorkflowVersion()
                + " of workflow '"
                + state.getWorkflow()
                + "' is no longer loaded");
    return fail(state, problem, new ArrayList<>(), now);
  }

  /** Whether a reply answers the latest attempt of the step the run is waiting for. */
  static boolean answersCurrentAttempt(RunState state, ConnectorReply reply) {
    if (state.getStatus() != RunStatus.RUNNING
        || state.getCurrentStep() >= state.getSteps().size()) {
      return false;
    }
    StepState step = state.getSteps().get(state.getCurrentStep());
    return step.getStatus() == StepStatus.RUNNING
        && step.getStepId().equals(reply.getStepId())
        && step.getAttempt() == reply.getAttempt();
  }

  /** Starts the step at {@code currentStep}, or completes the run when none is left. */
  private Transition advance(
      WorkflowDefinition definition, RunState state, List<Effect> effects, Instant now) {
    int index = state.getCurrentStep();
    if (index >= definition.steps().size()) {
      return complete(definition, state, effects, now);
    }
    StepDefinition step = definition.steps().get(index);
    JsonNode input;
    try {
      input = step.input().evaluate(RunVariables.of(state));
    } catch (ExpressionEvaluationException e) {
      return fail(
          state,
          expressionFailed("input of step '" + step.id() + "': " + e.getMessage()),
          effects,
          now);
    }
    int attempt = 1;
    String inputJson = input.toString();
    StepState started =
        StepState.newBuilder()
            .setStepId(step.id())
            .setStatus(StepStatus.RUNNING)
            .setAttempt(attempt)
            .setInput(inputJson)
            .setStartedAt(now)
            .build();
    List<StepState> steps = new ArrayList<>(state.getSteps());
    steps.add(started);
    RunState next = RunState.newBuilder(state).setSteps(steps).setUpdatedAt(now).build();
    InvokeConnector command =
        InvokeConnector.newBuilder()
            .setRunId(state.getRunId())
            .setStepId(step.id())
            .setAttempt(attempt)
            .setIdempotencyKey(idempotencyKey(state.getRunId(), step.id(), attempt))
            .setConnection(step.connection())
            .setOperation(step.operation())
            .setInput(inputJson)
            .setReplyTopic(connectorReplyTopic)
            .build();
    effects.add(new Effect.SendCommand(Topics.connectorCommands(step.connector()), command));
    return new Transition(next, effects);
  }

  private static Transition complete(
      WorkflowDefinition definition, RunState state, List<Effect> effects, Instant now) {
    Map<String, Object> variables = RunVariables.of(state);
    Map<String, String> headers = new LinkedHashMap<>();
    String body;
    try {
      for (Map.Entry<String, Template> header : definition.response().headers().entrySet()) {
        JsonNode value = header.getValue().evaluate(variables);
        headers.put(header.getKey(), value.isString() ? value.asString() : value.toString());
      }
      Template bodyTemplate = definition.response().body();
      body = bodyTemplate == null ? null : bodyTemplate.evaluate(variables).toString();
    } catch (ExpressionEvaluationException e) {
      return fail(state, expressionFailed("response: " + e.getMessage()), effects, now);
    }
    WorkflowReply reply =
        WorkflowReply.newBuilder()
            .setRunId(state.getRunId())
            .setOutcome(WorkflowOutcome.SUCCEEDED)
            .setStatus(definition.response().status())
            .setHeaders(headers)
            .setBody(body)
            .setCompletedAt(now)
            .build();
    RunState next =
        RunState.newBuilder(state)
            .setStatus(RunStatus.COMPLETED)
            .setReply(reply)
            .setUpdatedAt(now)
            .build();
    effects.add(reply(next, reply));
    effects.add(event(next, null, null, null, now));
    return new Transition(next, effects);
  }

  private static Transition fail(
      RunState state, Problem problem, List<Effect> effects, Instant now) {
    WorkflowReply reply =
        WorkflowReply.newBuilder()
            .setRunId(state.getRunId())
            .setOutcome(WorkflowOutcome.FAILED)
            .setStatus(problem.getStatus())
            .setProblem(problem)
            .setCompletedAt(now)
            .build();
    RunState next =
        RunState.newBuilder(state)
            .setStatus(RunStatus.FAILED)
            .setReply(reply)
            .setUpdatedAt(now)
            .build();
    effects.add(reply(next, reply));
    effects.add(event(next, null, null, problem.getDetail(), now));
    return new Transition(next, effects);
  }

  private static Problem expressionFailed(String detail) {
    return new Problem(ProblemTypes.EXPRESSION_FAILED, "A workflow expression failed", 500, detail);
  }

  private static RunState newRun(WorkflowRequested request, String version, Instant now) {
    return RunState.newBuilder()
        .setRunId(request.getRunId())
        .setWorkflow(request.getWorkflow())
        .setWorkflowVersion(version)
        .setStatus(RunStatus.RUNNING)
        .setRequest(request)
        .setCurrentStep(0)
        .setSteps(List.of())
        .setStartedAt(now)
        .setUpdatedAt(now)
        .build();
  }

  private static Effect reply(RunState state, WorkflowReply reply) {
    WorkflowRequested request = state.getRequest();
    return new Effect.SendReply(request.getReplyTopic(), request.getReplyPartition(), reply);
  }

  private static Effect event(
      RunState state, String stepId, ConnectorOutcome outcome, String detail, Instant now) {
    return new Effect.PublishEvent(
        RunStatusChanged.newBuilder()
            .setRunId(state.getRunId())
            .setWorkflow(state.getWorkflow())
            .setWorkflowVersion(state.getWorkflowVersion())
            .setStatus(state.getStatus())
            .setStepId(stepId)
            .setStepOutcome(outcome)
            .setDetail(detail)
            .setAt(now)
            .build());
  }

  /** Unique per run, step and attempt; lets a connector perform a side effect once. */
  static String idempotencyKey(String runId, String stepId, int attempt) {
    return runId + ":" + stepId + ":" + attempt;
  }
}
