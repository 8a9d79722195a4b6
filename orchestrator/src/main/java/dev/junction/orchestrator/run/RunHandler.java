package dev.junction.orchestrator.run;

import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.orchestrator.workflow.WorkflowDefinitions;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.RunControl;
import dev.junction.wire.RunControlAction;
import dev.junction.wire.RunState;
import dev.junction.wire.RunStatus;
import dev.junction.wire.WorkflowRequested;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the run feature for incoming messages: finds the definition a message needs (the
 * current one for a new run, the pinned one for a running run) and lets the {@link WorkflowEngine}
 * compute the transition. Duplicates are recognised here from the stored state.
 */
public final class RunHandler {

  private static final Logger log = LoggerFactory.getLogger(RunHandler.class);

  private final WorkflowDefinitions definitions;
  private final WorkflowEngine engine;
  private final Schedules schedules = new Schedules();

  public RunHandler(WorkflowDefinitions definitions, WorkflowEngine engine) {
    this.definitions = definitions;
    this.engine = engine;
  }

  /**
   * Starts a run.
   *
   * @param existing the stored state of the run id, or {@code null}; a redelivered request meets it
   *     and changes nothing
   */
  public Transition onRequested(RunState existing, WorkflowRequested request, Instant now) {
    return onRequested(existing, request, null, now);
  }

  /**
   * Starts a run, or, for a resubmission from the failed step, goes on from where {@code retried}
   * failed, on its definition version.
   *
   * @param retried the earlier run a resubmission goes on from, or {@code null}
   */
  public Transition onRequested(
      RunState existing, WorkflowRequested request, RunState retried, Instant now) {
    if (existing == null && retried != null && retried.getStatus() == RunStatus.FAILED) {
      var pinned = definitions.find(retried.getWorkflow(), retried.getWorkflowVersion());
      if (pinned.isPresent()) {
        log.info(
            "Run {} goes on from the failed step of run {}",
            request.getRunId(),
            retried.getRunId());
        return engine.startFrom(pinned.get(), request, retried, now);
      }
      log.warn(
          "Run {} cannot go on from run {}: its version is not loaded; starting over",
          request.getRunId(),
          retried.getRunId());
    }
    return start(existing, request, now);
  }

  private Transition start(RunState existing, WorkflowRequested request, Instant now) {
    if (existing != null) {
      log.debug(
          "Ignoring a repeated request for run {} (status {})",
          request.getRunId(),
          existing.getStatus());
      return Transition.unchanged();
    }
    return definitions
        .current(request.getWorkflow())
        .map(definition -> engine.start(definition, request, now))
        .orElseGet(
            () -> {
              log.warn(
                  "Run {} asks for workflow '{}', which is not loaded",
                  request.getRunId(),
                  request.getWorkflow());
              return engine.unknownWorkflow(request, now);
            });
  }

  /**
   * Handles a connector's reply.
   *
   * @param existing the stored state of the run, or {@code null} when no such run is known
   */
  public Transition onReply(RunState existing, ConnectorReply reply, Instant now) {
    if (existing == null) {
      log.warn(
          "Ignoring a reply of step '{}' attempt {} for unknown run {}",
          reply.getStepId(),
          reply.getAttempt(),
          reply.getRunId());
      return Transition.unchanged();
    }
    Transition transition =
        withDefinition(
            existing, definition -> engine.onReply(definition, existing, reply, now), now);
    if (!transition.changed()) {
      log.debug(
          "Ignoring a stale or repeated reply of step '{}' attempt {} for run {} (status {})",
          reply.getStepId(),
          reply.getAttempt(),
          reply.getRunId(),
          existing.getStatus());
    }
    return transition;
  }

  /**
   * Handles a due timer.
   *
   * @param existing the stored state of the run, or {@code null} when it is gone (e.g. removed by
   *     retention)
   */
  public Transition onTimer(RunState existing, RunTimer timer, Instant now) {
    if (existing == null || WorkflowEngine.isEnded(existing.getStatus())) {
      return Transition.unchanged();
    }
    return withDefinition(
        existing, definition -> engine.onTimer(definition, existing, timer, now), now);
  }

  /**
   * Handles a control command such as cancel.
   *
   * @param existing the stored state of the run, or {@code null} when no such run is known
   */
  public Transition onControl(RunState existing, RunControl control, Instant now) {
    if (existing == null) {
      log.warn("Ignoring {} of unknown run {}", control.getAction(), control.getRunId());
      return Transition.unchanged();
    }
    if (control.getAction() != RunControlAction.CANCEL) {
      log.warn("Ignoring unknown control action for run {}", control.getRunId());
      return Transition.unchanged();
    }
    Transition transition =
        withDefinition(
            existing, definition -> engine.cancel(definition, existing, control, now), now);
    log.info(
        "Run {} cancel requested by {}: {}",
        control.getRunId(),
        control.getRequestedBy(),
        transition.changed() ? "cancelling" : "not running (" + existing.getStatus() + ")");
    return transition;
  }

  /**
   * What an unfinished run waits for, to send again after a restart or a move to this instance;
   * empty for an ended run or one whose definition is gone.
   */
  public List<Effect> resume(RunState existing) {
    if (WorkflowEngine.isEnded(existing.getStatus())) {
      return List.of();
    }
    return definitions
        .find(existing.getWorkflow(), existing.getWorkflowVersion())
        .map(definition -> engine.resume(definition, existing))
        .orElse(List.of());
  }

  /**
   * The runs that schedule triggers start now. Only one task (partition 0's) asks, so one instance
   * fires each schedule; the run ids are derived from the firing, so a repeat is harmless.
   */
  public synchronized List<WorkflowRequested> dueSchedules(Instant now) {
    return schedules.due(definitions.currentDefinitions(), now);
  }

  private Transition withDefinition(
      RunState existing, Function<WorkflowDefinition, Transition> handle, Instant now) {
    return definitions
        .find(existing.getWorkflow(), existing.getWorkflowVersion())
        .map(handle)
        .orElseGet(
            () -> {
              log.error(
                  "Run {} is pinned to {}@{}, which is not loaded; restore that definition"
                      + " file to let such runs finish",
                  existing.getRunId(),
                  existing.getWorkflow(),
                  existing.getWorkflowVersion());
              return engine.definitionMissing(existing, now);
            });
  }
}
