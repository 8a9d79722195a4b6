package dev.junction.orchestrator.kafka;

import dev.junction.orchestrator.run.RunHistory;
import dev.junction.wire.RunState;
import dev.junction.wire.RunSummary;
import java.time.Instant;

/**
 * Keys of the run history index: the start time (zero-padded epoch milliseconds) then the run id,
 * so that a key range is a time range and a reverse scan lists the newest runs first.
 */
final class RunIndexKeys {

  private static final String SEPARATOR = "|";

  private RunIndexKeys() {}

  static String of(RunState state) {
    return of(state.getStartedAt(), state.getRunId());
  }

  static String of(Instant startedAt, String runId) {
    return RunHistory.cursorOf(startedAt, runId);
  }

  /** The highest key of runs started at or before {@code instant}. */
  static String upTo(Instant instant) {
    return millis(instant) + SEPARATOR + "\uffff";
  }

  /** The lowest key of runs started at or after {@code instant}. */
  static String from(Instant instant) {
    return millis(instant) + SEPARATOR;
  }

  static RunSummary summary(RunState state) {
    return RunSummary.newBuilder()
        .setRunId(state.getRunId())
        .setWorkflow(state.getWorkflow())
        .setWorkflowVersion(state.getWorkflowVersion())
        .setStatus(state.getStatus())
        .setStartedAt(state.getStartedAt())
        .setUpdatedAt(state.getUpdatedAt())
        .setTrigger(state.getRequest().getTrigger())
        .build();
  }

  private static String millis(Instant instant) {
    return String.format("%013d", Math.max(0, instant.toEpochMilli()));
  }
}
