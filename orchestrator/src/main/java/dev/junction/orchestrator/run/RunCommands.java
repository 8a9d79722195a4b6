package dev.junction.orchestrator.run;

import dev.junction.wire.RunControl;
import dev.junction.wire.RunControlAction;
import dev.junction.wire.RunState;
import dev.junction.wire.WorkflowRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Control of runs from the runs API. Nothing here changes a run directly: a cancel travels as a
 * {@code RunControl} record to the task that owns the run, a resubmission as a new {@code
 * WorkflowRequested}, so the run processor stays the only writer of run state.
 */
public final class RunCommands {

  /** Sends records keyed by run id; returns once the broker has them. */
  public interface Sender {
    void send(RunControl control);

    void send(WorkflowRequested request);

    /**
     * A new run id whose records land on the same partition as {@code runId}'s, so the task that
     * owns the old run also owns the new one and can read the old run's state.
     */
    String colocatedRunId(String runId);
  }

  /** Trigger prefix of a run resubmitted from the failed step of an earlier run. */
  public static final String RETRY_FROM = "retry-from:";

  /** Resubmitted runs have nobody awaiting a reply; this bounds nothing but must be set. */
  private static final Duration NO_WAIT = Duration.ZERO;

  private final Sender sender;

  public RunCommands(Sender sender) {
    this.sender = sender;
  }

  /** Asks the owner of the run to cancel it (it compensates and ends {@code CANCELLED}). */
  public void cancel(String runId, String reason, String requestedBy, Instant now) {
    sender.send(
        RunControl.newBuilder()
            .setRunId(runId)
            .setAction(RunControlAction.CANCEL)
            .setReason(reason)
            .setRequestedBy(requestedBy)
            .setRequestedAt(now)
            .build());
  }

  /**
   * Starts a new run that takes over the succeeded steps of a FAILED run (their outputs, not their
   * side effects again) and goes on from the step that failed, on the same definition version.
   *
   * @return the new run's id
   */
  public String resubmitFromFailedStep(RunState original, Instant now) {
    String runId = sender.colocatedRunId(original.getRunId());
    sender.send(
        WorkflowRequested.newBuilder(original.getRequest())
            .setRunId(runId)
            .setTrigger(RETRY_FROM + original.getRunId())
            .setReplyTopic("")
            .setReplyPartition(0)
            .setRequestedAt(now)
            .setDeadline(now.plus(NO_WAIT))
            .build());
    return runId;
  }

  /**
   * Starts a new run of the same workflow with the same request (headers, body, caller). The new
   * run uses the definition version current now, and nobody awaits its reply: follow it at {@code
   * /runs/{id}}.
   *
   * @return the new run's id
   */
  public String resubmit(RunState original, Instant now) {
    String runId = UUID.randomUUID().toString();
    WorkflowRequested request =
        WorkflowRequested.newBuilder(original.getRequest())
            .setRunId(runId)
            .setTrigger("resubmit:" + original.getRunId())
            .setReplyTopic("")
            .setReplyPartition(0)
            .setRequestedAt(now)
            .setDeadline(now.plus(NO_WAIT))
            .build();
    sender.send(request);
    return runId;
  }
}
