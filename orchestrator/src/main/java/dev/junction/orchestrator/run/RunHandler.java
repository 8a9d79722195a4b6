package dev.junction.orchestrator.run;

import dev.junction.orchestrator.workflow.WorkflowDefinitions;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.RunState;
import dev.junction.wire.WorkflowRequested;
import java.time.Instant;
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
        definitions
            .find(existing.getWorkflow(), existing.getWorkflowVersion())
            .map(definition -> engine.onReply(definition, existing, reply, now))
            .orElseGet(
                () -> {
                  log.error(
                      "Run {} is pinned to {}@{}, which is not loaded; restore that definition"
                          + " file to let such runs finish",
                      existing.getRunId(),
                      existing.getWorkflow(),
                      existing.getWorkflowVersion());
                  return engine.definitionMissing(existing, reply, now);
                });
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
}
