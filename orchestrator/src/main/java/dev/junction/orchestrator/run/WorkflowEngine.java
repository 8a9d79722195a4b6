package dev.junction.orchestrator.run;

import dev.junction.contract.Topics;
import dev.junction.orchestrator.expression.ExpressionEvaluationException;
import dev.junction.orchestrator.expression.Template;
import dev.junction.orchestrator.workflow.RetryPolicy;
import dev.junction.orchestrator.workflow.RetryPolicy.RetryOn;
import dev.junction.orchestrator.workflow.StepDefinition;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.Problem;
import dev.junction.wire.RunControl;
import dev.junction.wire.RunState;
import dev.junction.wire.RunStatus;
import dev.junction.wire.RunStatusChanged;
import dev.junction.wire.StepState;
import dev.junction.wire.StepStatus;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The saga engine: pure functions from a run's state and an incoming message (a connector reply, a
 * due timer, a control command) to the next state and the messages to send. No I/O and no clock, so
 * every transition is reproducible and testable without a broker, and a redelivered message is
 * recognised from the state alone.
 *
 * <p>A run walks its steps in order. Each step attempt's command carries the attempt number, and
 * only a reply (or timeout) for the latest attempt of the step the run waits for moves it on; every
 * other reply is stale or a repeat and changes nothing. A failed attempt is retried after a backoff
 * when the step's policy says so. A step that fails for good, a passed deadline or a cancel stops
 * the run, which then runs the compensations of its succeeded steps in reverse order, each with its
 * own retries; a compensation that fails for good ends the run {@code COMPENSATION_FAILED}.
 */
public final class WorkflowEngine {

  /** Prefix of the step id in a compensation's command and reply: {@code compensate:<step>}. */
  public static final String COMPENSATE_PREFIX = "compensate:";

  private final String connectorReplyTopic;

  /**
   * @param connectorReplyTopic the topic connectors reply to, carried in each command
   */
  public WorkflowEngine(String connectorReplyTopic) {
    this.connectorReplyTopic = connectorReplyTopic;
  }

  /** Starts a run of {@code definition}: records it and starts the first step. */
  public Transition start(WorkflowDefinition definition, WorkflowRequested request, Instant now) {
    RunState state = newRun(request, definition.version(), now);
    if (definition.timeout() != null) {
      state.setDeadline(now.plus(definition.timeout()));
    }
    Change change = new Change(null, state, definition, now);
    change.event(null, null, "run started");
    if (state.getDeadline() != null) {
      change.timer(RunTimer.Kind.DEADLINE, "", 0, state.getDeadline());
    }
    advance(change);
    return change.transition();
  }

  /** Ends a run at once because no workflow of the requested name is loaded. */
  public Transition unknownWorkflow(WorkflowRequested request, Instant now) {
    Change change = new Change(null, newRun(request, "", now), null, now);
    change.end(
        RunStatus.FAILED,
        new Problem(
            ProblemTypes.UNKNOWN_WORKFLOW,
            "Unknown workflow",
            500,
            "no workflow named '" + request.getWorkflow() + "' is loaded"));
    return change.transition();
  }

  /**
   * Handles a connector's reply. A reply that does not answer the latest attempt of what the run
   * waits for, or that arrives after the run ended, changes nothing.
   */
  public Transition onReply(
      WorkflowDefinition definition, RunState state, ConnectorReply reply, Instant now) {
    Change change = new Change(state, copy(state), definition, now);
    Target target = change.awaiting(reply.getStepId(), reply.getAttempt(), StepStatus.RUNNING);
    if (target == null) {
      return Transition.unchanged();
    }
    StepState step = target.state();
    change.cancelTimeout(target);
    step.setOutcome(reply.getOutcome());
    step.setOutput(reply.getOutput());
    step.setEndedAt(now);
    if (reply.getOutcome() == ConnectorOutcome.SUCCEEDED) {
      step.setStatus(StepStatus.SUCCEEDED);
      step.setError(null);
      step.setNextAttemptAt(null);
      change.event(target.commandStepId(), reply.getOutcome(), null);
      if (target.compensation()) {
        nextCompensation(change);
      } else {
        change.state.setCurrentStep(change.state.getCurrentStep() + 1);
        advance(change);
      }
    } else {
      attemptFailed(change, target, retryOn(reply.getOutcome()), reply.getError());
    }
    return change.transition();
  }

  /** Handles a due timer; one for an attempt or a wait that is over changes nothing. */
  public Transition onTimer(
      WorkflowDefinition definition, RunState state, RunTimer timer, Instant now) {
    Change change = new Change(state, copy(state), definition, now);
    switch (timer.kind()) {
      case DEADLINE -> {
        if (state.getStatus() != RunStatus.RUNNING) {
          return Transition.unchanged();
        }
        change.abandonCurrentStep("the run's deadline passed");
        failForGood(
            change,
            new Problem(
                ProblemTypes.RUN_DEADLINE,
                "Run deadline passed",
                504,
                "the run did not end within its timeout of " + definition.timeout()));
      }
      case TIMEOUT -> {
        Target target = change.awaiting(timer.stepId(), timer.attempt(), StepStatus.RUNNING);
        if (target == null) {
          return Transition.unchanged();
        }
        target.state().setOutcome(null);
        target.state().setOutput(null);
        target.state().setEndedAt(now);
        attemptFailed(
            change, target, RetryOn.TIMEOUT, "no reply within " + target.timeout().toString());
      }
      case RETRY -> {
        Target target = change.awaiting(timer.stepId(), timer.attempt() - 1, StepStatus.WAITING);
        if (target == null) {
          return Transition.unchanged();
        }
        startAttempt(change, target, timer.attempt());
      }
      case DELAY -> {
        Target target = change.awaiting(timer.stepId(), 0, StepStatus.WAITING);
        if (target == null || target.compensation() || !target.definition().isDelay()) {
          return Transition.unchanged();
        }
        target.state().setStatus(StepStatus.SUCCEEDED);
        target.state().setEndedAt(now);
        target.state().setNextAttemptAt(null);
        change.state.setCurrentStep(change.state.getCurrentStep() + 1);
        change.event(timer.stepId(), null, null);
        advance(change);
      }
    }
    return change.transition();
  }

  /**
   * Cancels a running run: the step in progress is abandoned and the succeeded steps are
   * compensated; the run ends {@code CANCELLED}. A run that has ended or is already compensating is
   * left alone.
   */
  public Transition cancel(
      WorkflowDefinition definition, RunState state, RunControl control, Instant now) {
    if (state.getStatus() != RunStatus.RUNNING) {
      return Transition.unchanged();
    }
    Change change = new Change(state, copy(state), definition, now);
    change.abandonCurrentStep("the run was cancelled");
    StringBuilder detail = new StringBuilder("the run was cancelled");
    if (control.getRequestedBy() != null) {
      detail.append(" by ").append(control.getRequestedBy());
    }
    if (control.getReason() != null) {
      detail.append(": ").append(control.getReason());
    }
    failForGood(
        change, new Problem(ProblemTypes.RUN_CANCELLED, "Run cancelled", 409, detail.toString()));
    return change.transition();
  }

  /**
   * Ends a run whose pinned definition version is no longer loaded (e.g. its file changed version
   * and the orchestrator restarted), when anything for it arrives. Nothing can be compensated
   * without the definition; the run ends {@code FAILED} with a problem that says so.
   */
  public Transition definitionMissing(RunState state, Instant now) {
    if (isEnded(state.getStatus())) {
      return Transition.unchanged();
    }
    Change change = new Change(state, copy(state), null, now);
    change.abandonCurrentStep("the run's workflow version is no longer loaded");
    change.end(
        RunStatus.FAILED,
        new Problem(
            ProblemTypes.UNKNOWN_WORKFLOW,
            "Unknown workflow",
            500,
            "version "
                + state.getWorkflowVersion()
                + " of workflow '"
                + state.getWorkflow()
                + "' is no longer loaded"));
    return change.transition();
  }

  /**
   * What an unfinished run waits for, as effects to send again after a crash or a move to another
   * instance: the command of the attempt in flight (connectors drop a repeat by its idempotency
   * key) and the timers of its timeout, backoff, delay and deadline (storing a timer twice is
   * harmless). Empty for an ended run.
   */
  public List<Effect> resume(WorkflowDefinition definition, RunState state) {
    List<Effect> effects = new ArrayList<>();
    if (isEnded(state.getStatus())) {
      return effects;
    }
    Change change = new Change(state, copy(state), definition, state.getUpdatedAt());
    Target target = change.current();
    if (target != null) {
      StepState step = target.state();
      if (step.getStatus() == StepStatus.RUNNING) {
        effects.add(command(state.getRunId(), target, step.getAttempt(), step.getInput()));
        effects.add(
            new Effect.ScheduleTimer(
                new RunTimer(
                    state.getRunId(),
                    RunTimer.Kind.TIMEOUT,
                    target.commandStepId(),
                    step.getAttempt(),
                    step.getStartedAt().plus(target.timeout()))));
      } else if (step.getStatus() == StepStatus.WAITING && step.getNextAttemptAt() != null) {
        boolean delay = !target.compensation() && target.definition().isDelay();
        effects.add(
            new Effect.ScheduleTimer(
                new RunTimer(
                    state.getRunId(),
                    delay ? RunTimer.Kind.DELAY : RunTimer.Kind.RETRY,
                    target.commandStepId(),
                    delay ? 0 : step.getAttempt() + 1,
                    step.getNextAttemptAt())));
      }
    }
    if (state.getStatus() == RunStatus.RUNNING && state.getDeadline() != null) {
      effects.add(
          new Effect.ScheduleTimer(
              new RunTimer(state.getRunId(), RunTimer.Kind.DEADLINE, "", 0, state.getDeadline())));
    }
    return effects;
  }

  /** Whether a run in this status has ended for good. */
  public static boolean isEnded(RunStatus status) {
    return status != RunStatus.RUNNING && status != RunStatus.COMPENSATING;
  }

  /** Starts the step at {@code currentStep}, or completes the run when none is left. */
  private void advance(Change change) {
    RunState state = change.state;
    WorkflowDefinition definition = change.definition;
    while (true) {
      int index = state.getCurrentStep();
      if (index >= definition.steps().size()) {
        complete(change);
        return;
      }
      StepDefinition step = definition.steps().get(index);
      if (step.when() != null) {
        JsonNode condition;
        try {
          condition = step.when().evaluate(RunVariables.of(state));
        } catch (ExpressionEvaluationException e) {
          failForGood(
              change, expressionFailed("when of step '" + step.id() + "': " + e.getMessage()));
          return;
        }
        if (!condition.isBoolean()) {
          failForGood(
              change,
              expressionFailed(
                  "when of step '" + step.id() + "' must give true or false, gave " + condition));
          return;
        }
        if (!condition.asBoolean()) {
          state
              .getSteps()
              .add(
                  StepState.newBuilder()
                      .setStepId(step.id())
                      .setStatus(StepStatus.SKIPPED)
                      .setStartedAt(change.now)
                      .setEndedAt(change.now)
                      .build());
          state.setCurrentStep(index + 1);
          change.event(step.id(), null, "skipped: its condition is false");
          continue;
        }
      }
      if (step.isDelay()) {
        Instant due = change.now.plus(step.delay());
        state
            .getSteps()
            .add(
                StepState.newBuilder()
                    .setStepId(step.id())
                    .setStatus(StepStatus.WAITING)
                    .setStartedAt(change.now)
                    .setFirstStartedAt(change.now)
                    .setNextAttemptAt(due)
                    .build());
        change.timer(RunTimer.Kind.DELAY, step.id(), 0, due);
        return;
      }
      JsonNode input;
      try {
        input = step.call().input().evaluate(RunVariables.of(state));
      } catch (ExpressionEvaluationException e) {
        failForGood(
            change, expressionFailed("input of step '" + step.id() + "': " + e.getMessage()));
        return;
      }
      state
          .getSteps()
          .add(
              StepState.newBuilder()
                  .setStepId(step.id())
                  .setStatus(StepStatus.PENDING)
                  .setInput(input.toString())
                  .setFirstStartedAt(change.now)
                  .build());
      startAttempt(change, change.current(), 1);
      return;
    }
  }

  /** Sends attempt {@code attempt} of the step or compensation in {@code target}. */
  private void startAttempt(Change change, Target target, int attempt) {
    StepState step = target.state();
    step.setStatus(StepStatus.RUNNING);
    step.setAttempt(attempt);
    step.setStartedAt(change.now);
    step.setEndedAt(null);
    step.setNextAttemptAt(null);
    step.setOutcome(null);
    step.setOutput(null);
    step.setError(null);
    change.effects.add(command(change.state.getRunId(), target, attempt, step.getInput()));
    change.timer(
        RunTimer.Kind.TIMEOUT, target.commandStepId(), attempt, change.now.plus(target.timeout()));
  }

  /** A failed attempt: retried after a backoff if the policy says so, else the end of the step. */
  private void attemptFailed(Change change, Target target, RetryOn failure, String detail) {
    StepState step = target.state();
    String error = detail == null || detail.isBlank() ? failure.name() : detail;
    List<String> errors = new ArrayList<>(step.getErrors());
    errors.add("attempt " + step.getAttempt() + ": " + failure + ": " + error);
    step.setErrors(errors);
    step.setError(error);
    RetryPolicy policy = target.retry();
    if (policy.retries(failure, step.getAttempt())) {
      Duration wait =
          policy.backoff(
              step.getAttempt(),
              spread(change.state.getRunId(), target.commandStepId(), step.getAttempt()));
      Instant due = change.now.plus(wait);
      step.setStatus(StepStatus.WAITING);
      step.setNextAttemptAt(due);
      change.timer(RunTimer.Kind.RETRY, target.commandStepId(), step.getAttempt() + 1, due);
      change.event(
          target.commandStepId(),
          step.getOutcome(),
          "attempt " + step.getAttempt() + " failed (" + error + "); retrying in " + wait);
      return;
    }
    step.setStatus(StepStatus.FAILED);
    change.event(target.commandStepId(), step.getOutcome(), error);
    String attempts = step.getAttempt() == 1 ? "" : " after " + step.getAttempt() + " attempts";
    if (target.compensation()) {
      change.end(
          RunStatus.COMPENSATION_FAILED,
          withDetail(
              change.state.getProblem(),
              "; the compensation of step '"
                  + step.getStepId()
                  + "' failed"
                  + attempts
                  + ": "
                  + error));
      return;
    }
    failForGood(
        change,
        new Problem(
            ProblemTypes.STEP_FAILED,
            change.definition.failure().title(),
            change.definition.failure().status(),
            "step '" + step.getStepId() + "' failed" + attempts + ": " + error));
  }

  /**
   * The run cannot complete: compensates its succeeded steps in reverse order, or ends at once when
   * none has a compensation.
   */
  private void failForGood(Change change, Problem problem) {
    change.state.setProblem(problem);
    if (toCompensate(change).isEmpty()) {
      change.end(finalStatus(problem, RunStatus.FAILED), problem);
      return;
    }
    change.state.setStatus(RunStatus.COMPENSATING);
    change.event(null, null, "compensating: " + problem.getDetail());
    nextCompensation(change);
  }

  /** Starts the next compensation, or ends the run when all have succeeded. */
  private void nextCompensation(Change change) {
    List<StepDefinition> toCompensate = toCompensate(change);
    int done = change.state.getCompensations().size();
    if (done >= toCompensate.size()) {
      Problem problem = change.state.getProblem();
      List<String> undone = toCompensate.stream().map(StepDefinition::id).toList();
      change.end(
          finalStatus(problem, RunStatus.COMPENSATED),
          withDetail(problem, "; compensated steps " + String.join(", ", undone)));
      return;
    }
    StepDefinition step = toCompensate.get(done);
    StepState compensation =
        StepState.newBuilder()
            .setStepId(step.id())
            .setStatus(StepStatus.PENDING)
            .setFirstStartedAt(change.now)
            .build();
    change.state.getCompensations().add(compensation);
    JsonNode input;
    try {
      input = step.compensation().call().input().evaluate(RunVariables.of(change.state));
    } catch (ExpressionEvaluationException e) {
      compensation.setStatus(StepStatus.FAILED);
      compensation.setError("input: " + e.getMessage());
      compensation.setStartedAt(change.now);
      compensation.setEndedAt(change.now);
      change.event(COMPENSATE_PREFIX + step.id(), null, e.getMessage());
      change.end(
          RunStatus.COMPENSATION_FAILED,
          withDetail(
              change.state.getProblem(),
              "; the compensation of step '"
                  + step.id()
                  + "' could not be built: "
                  + e.getMessage()));
      return;
    }
    compensation.setInput(input.toString());
    startAttempt(change, change.current(), 1);
  }

  /** The succeeded steps with a compensation, most recently completed first. */
  private static List<StepDefinition> toCompensate(Change change) {
    List<StepDefinition> steps = new ArrayList<>();
    List<StepState> states = change.state.getSteps();
    for (int i = states.size() - 1; i >= 0; i--) {
      StepState state = states.get(i);
      StepDefinition step = change.definition.step(state.getStepId());
      if (state.getStatus() == StepStatus.SUCCEEDED
          && step != null
          && step.compensation() != null) {
        steps.add(step);
      }
    }
    return steps;
  }

  private static RunStatus finalStatus(Problem problem, RunStatus otherwise) {
    return ProblemTypes.RUN_CANCELLED.equals(problem.getType()) ? RunStatus.CANCELLED : otherwise;
  }

  private static Problem withDetail(Problem problem, String more) {
    return new Problem(
        problem.getType(),
        problem.getTitle(),
        problem.getStatus(),
        (problem.getDetail() == null ? "" : problem.getDetail()) + more);
  }

  private void complete(Change change) {
    RunState state = change.state;
    WorkflowDefinition definition = change.definition;
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
      failForGood(change, expressionFailed("response: " + e.getMessage()));
      return;
    }
    WorkflowReply reply =
        WorkflowReply.newBuilder()
            .setRunId(state.getRunId())
            .setOutcome(WorkflowOutcome.SUCCEEDED)
            .setStatus(definition.response().status())
            .setHeaders(headers)
            .setBody(body)
            .setCompletedAt(change.now)
            .build();
    state.setStatus(RunStatus.COMPLETED);
    change.finish(reply, null);
  }

  private Effect command(String runId, Target target, int attempt, String input) {
    StepDefinition.Call call =
        target.compensation()
            ? target.definition().compensation().call()
            : target.definition().call();
    InvokeConnector command =
        InvokeConnector.newBuilder()
            .setRunId(runId)
            .setStepId(target.commandStepId())
            .setAttempt(attempt)
            .setIdempotencyKey(idempotencyKey(runId, target.commandStepId(), attempt))
            .setConnection(call.connection())
            .setOperation(call.operation())
            .setInput(input)
            .setReplyTopic(connectorReplyTopic)
            .build();
    return new Effect.SendCommand(Topics.connectorCommands(call.connector()), command);
  }

  private static RetryOn retryOn(ConnectorOutcome outcome) {
    return switch (outcome) {
      case FAILED -> RetryOn.FAILED;
      case FATAL_ERROR -> RetryOn.FATAL_ERROR;
      default -> RetryOn.RETRYABLE_ERROR;
    };
  }

  /**
   * Where within the jitter range a backoff falls: derived from the run, step and attempt, so runs
   * that fail together spread out while a replayed transition computes the same wait.
   */
  static double spread(String runId, String stepId, int attempt) {
    long h = (runId + "|" + stepId + "|" + attempt).hashCode();
    h ^= (h >>> 33);
    h *= 0xff51afd7ed558ccdL;
    h ^= (h >>> 33);
    return (h >>> 11) * 0x1.0p-53;
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
        .setSteps(new ArrayList<>())
        .setCompensations(new ArrayList<>())
        .setStartedAt(now)
        .setUpdatedAt(now)
        .build();
  }

  /** A deep copy whose step lists can be changed. */
  private static RunState copy(RunState state) {
    RunState copy = RunState.newBuilder(state).build();
    copy.setSteps(new ArrayList<>(copy.getSteps()));
    copy.setCompensations(new ArrayList<>(copy.getCompensations()));
    return copy;
  }

  /** Unique per run, step and attempt; lets a connector perform a side effect once. */
  static String idempotencyKey(String runId, String stepId, int attempt) {
    return runId + ":" + stepId + ":" + attempt;
  }

  /**
   * What an attempt belongs to: a step, or the compensation of a step.
   *
   * @param definition the step's definition
   * @param state the step's (or compensation's) state, changed in place
   * @param compensation whether it is the step's compensation
   */
  private record Target(StepDefinition definition, StepState state, boolean compensation) {

    String commandStepId() {
      return compensation ? COMPENSATE_PREFIX + definition.id() : definition.id();
    }

    Duration timeout() {
      return compensation ? definition.compensation().timeout() : definition.timeout();
    }

    RetryPolicy retry() {
      return compensation ? definition.compensation().retry() : definition.retry();
    }
  }

  /** One transition being built: the changing state, the effects so far. */
  private static final class Change {
    private final RunState before;
    private final RunState state;
    private final WorkflowDefinition definition;
    private final Instant now;
    private final List<Effect> effects = new ArrayList<>();
    private long sequence;

    Change(RunState before, RunState state, WorkflowDefinition definition, Instant now) {
      this.before = before;
      this.state = state;
      this.definition = definition;
      this.now = now;
      this.sequence = before == null ? 0 : before.getSequence();
    }

    /** The step or compensation the run is at, or {@code null}. */
    Target current() {
      if (state.getStatus() == RunStatus.RUNNING) {
        int index = state.getCurrentStep();
        if (index >= state.getSteps().size()) {
          return null;
        }
        StepState step = state.getSteps().get(index);
        StepDefinition definition = this.definition.step(step.getStepId());
        return definition == null ? null : new Target(definition, step, false);
      }
      if (state.getStatus() == RunStatus.COMPENSATING && !state.getCompensations().isEmpty()) {
        StepState compensation = state.getCompensations().getLast();
        StepDefinition definition = this.definition.step(compensation.getStepId());
        return definition == null || definition.compensation() == null
            ? null
            : new Target(definition, compensation, true);
      }
      return null;
    }

    /**
     * The current step or compensation if it is the one named, at the given attempt and status;
     * otherwise {@code null} (the message is stale or a repeat).
     */
    Target awaiting(String commandStepId, int attempt, StepStatus status) {
      Target target = current();
      if (target == null
          || !target.commandStepId().equals(commandStepId)
          || target.state().getStatus() != status
          || target.state().getAttempt() != attempt) {
        return null;
      }
      return target;
    }

    /** Marks the step in progress as abandoned (its reply will be ignored). */
    void abandonCurrentStep(String why) {
      int index = state.getCurrentStep();
      if (state.getStatus() != RunStatus.RUNNING || index >= state.getSteps().size()) {
        return;
      }
      StepState step = state.getSteps().get(index);
      if (Set.of(StepStatus.RUNNING, StepStatus.WAITING, StepStatus.PENDING)
          .contains(step.getStatus())) {
        step.setStatus(StepStatus.CANCELLED);
        step.setError(why);
        step.setEndedAt(now);
        step.setNextAttemptAt(null);
      }
    }

    /** Drops the timeout timer of the target's attempt in flight. */
    void cancelTimeout(Target target) {
      StepState step = target.state();
      effects.add(
          new Effect.CancelTimer(
              new RunTimer(
                  state.getRunId(),
                  RunTimer.Kind.TIMEOUT,
                  target.commandStepId(),
                  step.getAttempt(),
                  step.getStartedAt().plus(target.timeout()))));
    }

    void timer(RunTimer.Kind kind, String stepId, int attempt, Instant due) {
      effects.add(
          new Effect.ScheduleTimer(new RunTimer(state.getRunId(), kind, stepId, attempt, due)));
    }

    /** Ends the run with a failure reply. */
    void end(RunStatus status, Problem problem) {
      state.setStatus(status);
      state.setProblem(problem);
      WorkflowReply reply =
          WorkflowReply.newBuilder()
              .setRunId(state.getRunId())
              .setOutcome(WorkflowOutcome.FAILED)
              .setStatus(problem.getStatus())
              .setProblem(problem)
              .setCompletedAt(now)
              .build();
      finish(reply, problem.getDetail());
    }

    /** Records the final reply, sends it to whoever awaits it, and publishes the end event. */
    void finish(WorkflowReply reply, String detail) {
      state.setReply(reply);
      if (state.getDeadline() != null) {
        effects.add(
            new Effect.CancelTimer(
                new RunTimer(
                    state.getRunId(), RunTimer.Kind.DEADLINE, "", 0, state.getDeadline())));
      }
      WorkflowRequested request = state.getRequest();
      if (request.getReplyTopic() != null && !request.getReplyTopic().isEmpty()) {
        effects.add(
            new Effect.SendReply(request.getReplyTopic(), request.getReplyPartition(), reply));
      }
      event(null, null, detail);
    }

    void event(String stepId, ConnectorOutcome outcome, String detail) {
      sequence++;
      effects.add(
          new Effect.PublishEvent(
              RunStatusChanged.newBuilder()
                  .setRunId(state.getRunId())
                  .setWorkflow(state.getWorkflow())
                  .setWorkflowVersion(state.getWorkflowVersion())
                  .setStatus(state.getStatus())
                  .setStepId(stepId)
                  .setStepOutcome(outcome)
                  .setDetail(detail)
                  .setAt(now)
                  .setSequence(sequence)
                  .build()));
    }

    Transition transition() {
      state.setUpdatedAt(now);
      state.setSequence(sequence);
      return new Transition(state, effects);
    }
  }
}
