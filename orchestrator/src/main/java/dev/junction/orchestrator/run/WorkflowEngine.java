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
import dev.junction.wire.StepGroup;
import dev.junction.wire.StepState;
import dev.junction.wire.StepStatus;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

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

  /**
   * Starts a run that goes on from the step where {@code failed} failed: the steps before it are
   * taken over with their states and outputs (their side effects are not repeated), the failed step
   * runs again from attempt 1, on the failed run's definition version.
   */
  public Transition startFrom(
      WorkflowDefinition definition, WorkflowRequested request, RunState failed, Instant now) {
    RunState state = newRun(request, definition.version(), now);
    int from = Math.min(failed.getCurrentStep(), failed.getSteps().size());
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < from; i++) {
      StepState step = StepState.newBuilder(failed.getSteps().get(i)).build();
      state.getSteps().add(step);
      kept.add(step.getStepId());
    }
    for (StepGroup group : failed.getGroups()) {
      if (kept.contains(group.getStepId())) {
        state.getGroups().add(StepGroup.newBuilder(group).build());
      }
    }
    state.setCurrentStep(from);
    if (definition.timeout() != null) {
      state.setDeadline(now.plus(definition.timeout()));
    }
    Change change = new Change(null, state, definition, now);
    change.event(
        null,
        null,
        "run started from step "
            + (from < definition.steps().size()
                ? "'" + definition.steps().get(from).id() + "'"
                : from)
            + " of run "
            + failed.getRunId());
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
      } else if (target.group() != null) {
        settleGroup(change, target.group(), target.groupState());
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
        if (target == null
            || target.compensation()
            || target.group() != null
            || !target.definition().isDelay()) {
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
    for (Target target : change.active()) {
      StepState step = target.state();
      if (step.getStatus() == StepStatus.RUNNING) {
        effects.add(command(state.getRunId(), target, step.getAttempt(), step.getInput()));
        effects.add(new Effect.ScheduleTimer(target.timeoutTimer(state.getRunId())));
      } else if (step.getStatus() == StepStatus.WAITING && step.getNextAttemptAt() != null) {
        boolean delay =
            !target.compensation() && target.group() == null && target.definition().isDelay();
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
        Boolean holds = holds(change, step.when(), "when of step '" + step.id() + "'");
        if (holds == null) {
          return;
        }
        if (!holds) {
          change.skip(step.id(), "skipped: its condition is false");
          continue;
        }
      }
      if (step.isDelay()) {
        Instant due;
        if (step.until() != null) {
          try {
            due = instant(step.until().evaluate(RunVariables.of(state)));
          } catch (ExpressionEvaluationException | IllegalArgumentException e) {
            failForGood(
                change, expressionFailed("until of step '" + step.id() + "': " + e.getMessage()));
            return;
          }
        } else {
          due = change.now.plus(step.delay());
        }
        if (due.isBefore(change.now)) {
          due = change.now;
        }
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
      if (step.kind() == StepDefinition.Kind.PARALLEL) {
        startParallel(change, step);
        return;
      }
      if (step.kind() == StepDefinition.Kind.SWITCH) {
        if (startSwitch(change, step)) {
          return;
        }
        continue; // no case applies: skipped
      }
      if (step.kind() == StepDefinition.Kind.FOR_EACH) {
        if (startForEach(change, step)) {
          return;
        }
        continue; // an empty list: done at once
      }
      JsonNode input;
      try {
        input = step.call().input().evaluate(RunVariables.of(state));
      } catch (ExpressionEvaluationException e) {
        failForGood(
            change, expressionFailed("input of step '" + step.id() + "': " + e.getMessage()));
        return;
      }
      StepState started =
          StepState.newBuilder()
              .setStepId(step.id())
              .setStatus(StepStatus.PENDING)
              .setInput(input.toString())
              .setFirstStartedAt(change.now)
              .build();
      state.getSteps().add(started);
      startAttempt(change, Target.of(step, started), 1);
      return;
    }
  }

  /** Starts every branch of a parallel step; their inputs are evaluated now, together. */
  private void startParallel(Change change, StepDefinition step) {
    Map<String, Object> variables = RunVariables.of(change.state);
    List<StepState> children = new ArrayList<>();
    for (StepDefinition branch : step.branches()) {
      try {
        children.add(
            pending(
                branch.id(), branch.call().input().evaluate(variables).toString(), null, change));
      } catch (ExpressionEvaluationException e) {
        failForGood(
            change,
            expressionFailed(
                "input of branch '"
                    + branch.id()
                    + "' of step '"
                    + step.id()
                    + "': "
                    + e.getMessage()));
        return;
      }
    }
    StepState group = group(step, children, change);
    change.state.getSteps().add(group);
    for (int i = 0; i < children.size(); i++) {
      startAttempt(change, Target.child(step, step.branches().get(i), group, children.get(i)), 1);
    }
  }

  /**
   * Starts the first case of a switch step whose condition holds (a case without one is the
   * default).
   *
   * @return false when no case applies: the step is skipped
   */
  private boolean startSwitch(Change change, StepDefinition step) {
    for (StepDefinition option : step.cases()) {
      if (option.when() != null) {
        Boolean holds =
            holds(
                change,
                option.when(),
                "when of case '" + option.id() + "' of step '" + step.id() + "'");
        if (holds == null) {
          return true;
        }
        if (!holds) {
          continue;
        }
      }
      JsonNode input;
      try {
        input = option.call().input().evaluate(RunVariables.of(change.state));
      } catch (ExpressionEvaluationException e) {
        failForGood(
            change,
            expressionFailed(
                "input of case '"
                    + option.id()
                    + "' of step '"
                    + step.id()
                    + "': "
                    + e.getMessage()));
        return true;
      }
      StepState child = pending(option.id(), input.toString(), null, change);
      StepState group = group(step, new ArrayList<>(List.of(child)), change);
      change.state.getSteps().add(group);
      startAttempt(change, Target.child(step, option, group, child), 1);
      return true;
    }
    change.skip(step.id(), "skipped: no case applies");
    return false;
  }

  /**
   * Starts a forEach step: evaluates its list and each item's input, then starts as many items as
   * its concurrency allows.
   *
   * @return false when the list is empty (the step succeeded at once with an empty output)
   */
  private boolean startForEach(Change change, StepDefinition step) {
    JsonNode items;
    try {
      items = step.forEach().evaluate(RunVariables.of(change.state));
    } catch (ExpressionEvaluationException e) {
      failForGood(
          change, expressionFailed("forEach of step '" + step.id() + "': " + e.getMessage()));
      return true;
    }
    if (!items.isArray()) {
      failForGood(
          change,
          expressionFailed("forEach of step '" + step.id() + "' must give a list, gave " + items));
      return true;
    }
    List<StepState> children = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      try {
        JsonNode input =
            step.call().input().evaluate(RunVariables.of(change.state, items.get(i), i));
        children.add(
            pending(Integer.toString(i), input.toString(), items.get(i).toString(), change));
      } catch (ExpressionEvaluationException e) {
        failForGood(
            change,
            expressionFailed(
                "input of item " + i + " of step '" + step.id() + "': " + e.getMessage()));
        return true;
      }
    }
    StepState group = group(step, children, change);
    change.state.getSteps().add(group);
    if (children.isEmpty()) {
      group.setStatus(StepStatus.SUCCEEDED);
      group.setOutput("[]");
      group.setEndedAt(change.now);
      change.state.setCurrentStep(change.state.getCurrentStep() + 1);
      change.event(step.id(), null, "no items");
      return false;
    }
    startPendingItems(change, step, group);
    return true;
  }

  private void startPendingItems(Change change, StepDefinition step, StepState group) {
    List<StepState> children = change.children(group);
    long inFlight =
        children.stream()
            .filter(c -> c.getStatus() == StepStatus.RUNNING || c.getStatus() == StepStatus.WAITING)
            .count();
    for (StepState child : children) {
      if (inFlight >= step.concurrency()) {
        return;
      }
      if (child.getStatus() == StepStatus.PENDING) {
        startAttempt(change, Target.child(step, step, group, child), 1);
        inFlight++;
      }
    }
  }

  /**
   * A branch or item of a group step ended: decides whether the group succeeded, failed or goes on
   * (a forEach step starts its next items).
   */
  private void settleGroup(Change change, StepDefinition step, StepState group) {
    List<StepState> children = change.children(group);
    if (step.kind() == StepDefinition.Kind.SWITCH) {
      StepState chosen = children.getFirst();
      if (chosen.getStatus() == StepStatus.SUCCEEDED) {
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("case", chosen.getStepId());
        output.set("output", RunVariables.parse(chosen.getOutput()));
        succeedGroup(change, step, group, output);
      } else if (chosen.getStatus() == StepStatus.FAILED) {
        failGroup(change, step, group, describe(step, chosen));
      }
      return;
    }
    boolean first =
        step.kind() == StepDefinition.Kind.PARALLEL && step.join() == StepDefinition.Join.FIRST;
    StepState failed =
        children.stream().filter(c -> c.getStatus() == StepStatus.FAILED).findFirst().orElse(null);
    boolean allSucceeded = children.stream().allMatch(c -> c.getStatus() == StepStatus.SUCCEEDED);
    if (first) {
      StepState winner =
          children.stream()
              .filter(c -> c.getStatus() == StepStatus.SUCCEEDED)
              .findFirst()
              .orElse(null);
      if (winner != null) {
        abandonChildren(children, "another branch succeeded first", change.now);
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("branch", winner.getStepId());
        output.set("output", RunVariables.parse(winner.getOutput()));
        succeedGroup(change, step, group, output);
        return;
      }
      if (children.stream().allMatch(c -> c.getStatus() == StepStatus.FAILED)) {
        failGroup(change, step, group, "every branch failed; the last: " + describe(step, failed));
      }
      return;
    }
    if (failed != null) {
      abandonChildren(
          children,
          "another "
              + (step.kind() == StepDefinition.Kind.PARALLEL ? "branch" : "item")
              + " failed",
          change.now);
      failGroup(change, step, group, describe(step, failed));
      return;
    }
    if (allSucceeded) {
      JsonNode output;
      if (step.kind() == StepDefinition.Kind.PARALLEL) {
        ObjectNode byBranch = JsonNodeFactory.instance.objectNode();
        children.forEach(c -> byBranch.set(c.getStepId(), RunVariables.parse(c.getOutput())));
        output = byBranch;
      } else {
        ArrayNode inOrder = JsonNodeFactory.instance.arrayNode();
        children.forEach(c -> inOrder.add(RunVariables.parse(c.getOutput())));
        output = inOrder;
      }
      succeedGroup(change, step, group, output);
      return;
    }
    if (step.kind() == StepDefinition.Kind.FOR_EACH) {
      startPendingItems(change, step, group);
    }
  }

  private void succeedGroup(Change change, StepDefinition step, StepState group, JsonNode output) {
    group.setStatus(StepStatus.SUCCEEDED);
    group.setOutput(output.toString());
    group.setEndedAt(change.now);
    change.state.setCurrentStep(change.state.getCurrentStep() + 1);
    change.event(step.id(), ConnectorOutcome.SUCCEEDED, null);
    advance(change);
  }

  private void failGroup(Change change, StepDefinition step, StepState group, String why) {
    group.setStatus(StepStatus.FAILED);
    group.setError(why);
    group.setEndedAt(change.now);
    failForGood(
        change,
        new Problem(
            ProblemTypes.STEP_FAILED,
            change.definition.failure().title(),
            change.definition.failure().status(),
            "step '" + step.id() + "' failed: " + why));
  }

  private static String describe(StepDefinition step, StepState child) {
    String what =
        switch (step.kind()) {
          case PARALLEL -> "branch '" + child.getStepId() + "'";
          case SWITCH -> "case '" + child.getStepId() + "'";
          default -> "item " + child.getStepId();
        };
    String attempts = child.getAttempt() > 1 ? " after " + child.getAttempt() + " attempts" : "";
    return what + " failed" + attempts + ": " + child.getError();
  }

  private static void abandonChildren(List<StepState> children, String why, Instant now) {
    for (StepState child : children) {
      if (Set.of(StepStatus.RUNNING, StepStatus.WAITING, StepStatus.PENDING)
          .contains(child.getStatus())) {
        child.setStatus(StepStatus.CANCELLED);
        child.setError(why);
        child.setEndedAt(now);
        child.setNextAttemptAt(null);
      }
    }
  }

  private static StepState pending(String id, String input, String item, Change change) {
    return StepState.newBuilder()
        .setStepId(id)
        .setStatus(StepStatus.PENDING)
        .setInput(input)
        .setItem(item)
        .setFirstStartedAt(change.now)
        .build();
  }

  /** The state of a group step; its children are kept in the run's groups. */
  private static StepState group(StepDefinition step, List<StepState> children, Change change) {
    change.state.getGroups().add(new StepGroup(step.id(), children));
    return StepState.newBuilder()
        .setStepId(step.id())
        .setStatus(StepStatus.RUNNING)
        .setFirstStartedAt(change.now)
        .setStartedAt(change.now)
        .build();
  }

  /** An instant from an expression's value: ISO-8601 text or epoch milliseconds. */
  private static Instant instant(JsonNode value) {
    if (value.isNumber()) {
      return Instant.ofEpochMilli(value.asLong());
    }
    if (value.isString()) {
      try {
        return java.time.OffsetDateTime.parse(value.asString()).toInstant();
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'" + value.asString() + "' is not an ISO-8601 instant such as 2026-12-01T09:00:00Z");
      }
    }
    throw new IllegalArgumentException(
        "must give an ISO-8601 instant or epoch milliseconds, gave " + value);
  }

  /**
   * Evaluates a condition.
   *
   * @return its value, or {@code null} when it failed or gave no boolean: the run then fails
   */
  private Boolean holds(Change change, Template condition, String what) {
    JsonNode value;
    try {
      value = condition.evaluate(RunVariables.of(change.state));
    } catch (ExpressionEvaluationException e) {
      failForGood(change, expressionFailed(what + ": " + e.getMessage()));
      return null;
    }
    if (!value.isBoolean()) {
      failForGood(change, expressionFailed(what + " must give true or false, gave " + value));
      return null;
    }
    return value.asBoolean();
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
                  + target.unitId()
                  + "' failed"
                  + attempts
                  + ": "
                  + error));
      return;
    }
    if (target.group() != null) {
      settleGroup(change, target.group(), target.groupState());
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
    List<Target> toCompensate = toCompensate(change);
    int done = change.state.getCompensations().size();
    if (done >= toCompensate.size()) {
      Problem problem = change.state.getProblem();
      List<String> undone = toCompensate.stream().map(Target::unitId).toList();
      change.end(
          finalStatus(problem, RunStatus.COMPENSATED),
          withDetail(problem, "; compensated steps " + String.join(", ", undone)));
      return;
    }
    Target unit = toCompensate.get(done);
    StepState compensation =
        StepState.newBuilder()
            .setStepId(unit.unitId())
            .setStatus(StepStatus.PENDING)
            .setItem(unit.state().getItem())
            .setFirstStartedAt(change.now)
            .build();
    change.state.getCompensations().add(compensation);
    JsonNode input;
    try {
      input =
          unit.definition()
              .compensation()
              .call()
              .input()
              .evaluate(variables(change.state, unit.state()));
    } catch (ExpressionEvaluationException e) {
      compensation.setStatus(StepStatus.FAILED);
      compensation.setError("input: " + e.getMessage());
      compensation.setStartedAt(change.now);
      compensation.setEndedAt(change.now);
      change.event(COMPENSATE_PREFIX + unit.unitId(), null, e.getMessage());
      change.end(
          RunStatus.COMPENSATION_FAILED,
          withDetail(
              change.state.getProblem(),
              "; the compensation of step '"
                  + unit.unitId()
                  + "' could not be built: "
                  + e.getMessage()));
      return;
    }
    compensation.setInput(input.toString());
    startAttempt(change, unit.compensating(compensation), 1);
  }

  /**
   * The succeeded units of work that declare a compensation, most recently completed first: call
   * steps, and the branches and items of group steps (even of a group that failed as a whole).
   */
  private static List<Target> toCompensate(Change change) {
    List<Target> units = new ArrayList<>();
    List<StepState> states = change.state.getSteps();
    for (int i = states.size() - 1; i >= 0; i--) {
      StepState state = states.get(i);
      StepDefinition step = change.definition.step(state.getStepId());
      if (step == null) {
        continue;
      }
      switch (step.kind()) {
        case CALL -> {
          if (state.getStatus() == StepStatus.SUCCEEDED && step.compensation() != null) {
            units.add(Target.of(step, state));
          }
        }
        case PARALLEL, FOR_EACH, SWITCH -> {
          List<StepState> children = change.children(state);
          List<StepState> done =
              children.stream()
                  .filter(c -> c.getStatus() == StepStatus.SUCCEEDED)
                  .sorted(
                      Comparator.comparing(StepState::getEndedAt)
                          .thenComparing(children::indexOf)
                          .reversed())
                  .toList();
          for (StepState child : done) {
            StepDefinition owner =
                step.kind() == StepDefinition.Kind.FOR_EACH ? step : branch(step, child);
            if (owner != null && owner.compensation() != null) {
              units.add(Target.child(step, owner, state, child));
            }
          }
        }
        case DELAY -> {}
      }
    }
    return units;
  }

  /** The branch or case of a group step that a child's state belongs to. */
  private static StepDefinition branch(StepDefinition step, StepState child) {
    return step.parts().stream()
        .filter(b -> b.id().equals(child.getStepId()))
        .findFirst()
        .orElse(null);
  }

  /** The variables of a unit's expressions: with {@code item} and {@code index} for an item. */
  private static Map<String, Object> variables(RunState state, StepState unit) {
    if (unit.getItem() == null) {
      return RunVariables.of(state);
    }
    return RunVariables.of(
        state, RunVariables.parse(unit.getItem()), Integer.parseInt(unit.getStepId()));
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
        .setGroups(new ArrayList<>())
        .setStartedAt(now)
        .setUpdatedAt(now)
        .build();
  }

  /** A deep copy whose step lists can be changed. */
  private static RunState copy(RunState state) {
    RunState copy = RunState.newBuilder(state).build();
    copy.setSteps(new ArrayList<>(copy.getSteps()));
    copy.setCompensations(new ArrayList<>(copy.getCompensations()));
    List<StepGroup> groups = new ArrayList<>();
    for (StepGroup group : copy.getGroups()) {
      groups.add(new StepGroup(group.getStepId(), new ArrayList<>(group.getChildren())));
    }
    copy.setGroups(groups);
    return copy;
  }

  /** Unique per run, step and attempt; lets a connector perform a side effect once. */
  static String idempotencyKey(String runId, String stepId, int attempt) {
    return runId + ":" + stepId + ":" + attempt;
  }

  /**
   * A unit of work an attempt belongs to: a call step, a branch of a parallel step, an item of a
   * forEach step, or the compensation of one of them.
   *
   * @param definition the definition that owns the call (the step, or the branch)
   * @param state the unit's state (or its compensation's), changed in place
   * @param compensation whether it is the unit's compensation
   * @param unitId {@code step}, {@code step.branch} or {@code step[index]}
   * @param group the parallel or forEach step the unit belongs to, or {@code null}
   * @param groupState that step's state, or {@code null}
   */
  private record Target(
      StepDefinition definition,
      StepState state,
      boolean compensation,
      String unitId,
      StepDefinition group,
      StepState groupState) {

    static Target of(StepDefinition step, StepState state) {
      return new Target(step, state, false, step.id(), null, null);
    }

    static Target child(
        StepDefinition group, StepDefinition owner, StepState groupState, StepState child) {
      String id =
          group.kind() == StepDefinition.Kind.FOR_EACH
              ? group.id() + "[" + child.getStepId() + "]"
              : group.id() + "." + child.getStepId();
      return new Target(owner, child, false, id, group, groupState);
    }

    /** The same unit's compensation, whose state is {@code compensationState}. */
    Target compensating(StepState compensationState) {
      return new Target(definition, compensationState, true, unitId, group, groupState);
    }

    String commandStepId() {
      return compensation ? COMPENSATE_PREFIX + unitId : unitId;
    }

    Duration timeout() {
      return compensation ? definition.compensation().timeout() : definition.timeout();
    }

    /** The timer of the attempt in flight: its start plus the timeout. */
    RunTimer timeoutTimer(String runId) {
      return new RunTimer(
          runId,
          RunTimer.Kind.TIMEOUT,
          commandStepId(),
          state.getAttempt(),
          state.getStartedAt().plus(timeout()));
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

    /**
     * What the run waits for: the step it is at (or that step's branches and items in flight), or
     * the compensation in progress.
     */
    List<Target> active() {
      if (state.getStatus() == RunStatus.RUNNING) {
        int index = state.getCurrentStep();
        if (index >= state.getSteps().size()) {
          return List.of();
        }
        StepState step = state.getSteps().get(index);
        StepDefinition definition = this.definition.step(step.getStepId());
        if (definition == null) {
          return List.of();
        }
        if (definition.kind() == StepDefinition.Kind.CALL
            || definition.kind() == StepDefinition.Kind.DELAY) {
          return List.of(Target.of(definition, step));
        }
        List<Target> inFlight = new ArrayList<>();
        for (StepState child : children(step)) {
          if (child.getStatus() == StepStatus.RUNNING || child.getStatus() == StepStatus.WAITING) {
            StepDefinition owner =
                definition.kind() == StepDefinition.Kind.FOR_EACH
                    ? definition
                    : branch(definition, child);
            if (owner != null) {
              inFlight.add(Target.child(definition, owner, step, child));
            }
          }
        }
        return inFlight;
      }
      if (state.getStatus() == RunStatus.COMPENSATING && !state.getCompensations().isEmpty()) {
        List<Target> units = toCompensate(this);
        int index = state.getCompensations().size() - 1;
        if (index < units.size()) {
          return List.of(units.get(index).compensating(state.getCompensations().getLast()));
        }
      }
      return List.of();
    }

    /**
     * The unit named, at the given attempt and status, if the run waits for it; otherwise {@code
     * null} (the message is stale or a repeat).
     */
    Target awaiting(String commandStepId, int attempt, StepStatus status) {
      return active().stream()
          .filter(
              t ->
                  t.commandStepId().equals(commandStepId)
                      && t.state().getStatus() == status
                      && t.state().getAttempt() == attempt)
          .findFirst()
          .orElse(null);
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
        abandonChildren(children(step), why, now);
      }
    }

    /** The branches, case or items of a group step (changed in place); empty for other steps. */
    List<StepState> children(StepState group) {
      return state.getGroups().stream()
          .filter(g -> g.getStepId().equals(group.getStepId()))
          .findFirst()
          .map(StepGroup::getChildren)
          .orElse(List.of());
    }

    /** Records the step the run is at as skipped and moves on to the next. */
    void skip(String stepId, String why) {
      state
          .getSteps()
          .add(
              StepState.newBuilder()
                  .setStepId(stepId)
                  .setStatus(StepStatus.SKIPPED)
                  .setStartedAt(now)
                  .setEndedAt(now)
                  .build());
      state.setCurrentStep(state.getCurrentStep() + 1);
      event(stepId, null, why);
    }

    /** Drops the timeout timer of the target's attempt in flight. */
    void cancelTimeout(Target target) {
      effects.add(new Effect.CancelTimer(target.timeoutTimer(state.getRunId())));
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
