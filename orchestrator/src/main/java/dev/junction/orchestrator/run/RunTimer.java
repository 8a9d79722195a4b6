package dev.junction.orchestrator.run;

import java.time.Instant;
import java.util.Objects;

/**
 * A point in time at which a run must be looked at again: a step attempt's timeout, the end of a
 * retry backoff or a delay, or the run's deadline. Timers live in the orchestrator's timer store
 * (with its changelog), so they survive a crash; one that fires late or for an attempt that is
 * already over changes nothing.
 *
 * @param runId the run
 * @param kind what is due
 * @param stepId the step (or {@code compensate:<step>}) concerned; empty for the run's deadline
 * @param attempt the attempt concerned: the one that times out, or the one to start
 * @param dueAt when it is due
 */
public record RunTimer(String runId, Kind kind, String stepId, int attempt, Instant dueAt) {

  private static final String SEPARATOR = "|";

  public RunTimer {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(stepId, "stepId");
    Objects.requireNonNull(dueAt, "dueAt");
  }

  /** What a timer is for. */
  public enum Kind {
    /** An attempt's reply did not come in time. */
    TIMEOUT,
    /** A retry's backoff is over: start the attempt. */
    RETRY,
    /** A delay step's wait is over. */
    DELAY,
    /** The run's deadline passed. */
    DEADLINE
  }

  /**
   * The store key: the due time first (zero-padded milliseconds), so that a range scan up to now
   * finds exactly the due timers, oldest first; the run id last, since only it may hold any
   * character.
   */
  public String key() {
    return String.format("%013d", dueAt.toEpochMilli())
        + SEPARATOR
        + kind
        + SEPARATOR
        + stepId
        + SEPARATOR
        + attempt
        + SEPARATOR
        + runId;
  }

  /** The highest key of timers due at or before {@code now}. */
  public static String lastKeyDueBy(Instant now) {
    return String.format("%013d", now.toEpochMilli()) + SEPARATOR + "~";
  }

  /** Reads a timer back from its {@link #key()}. */
  public static RunTimer parse(String key) {
    String[] parts = key.split("\\|", 5);
    if (parts.length != 5) {
      throw new IllegalArgumentException("not a timer key: " + key);
    }
    return new RunTimer(
        parts[4],
        Kind.valueOf(parts[1]),
        parts[2],
        Integer.parseInt(parts[3]),
        Instant.ofEpochMilli(Long.parseLong(parts[0])));
  }
}
