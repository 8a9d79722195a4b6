package dev.junction.orchestrator.run;

import dev.junction.wire.RunStatus;
import dev.junction.wire.RunSummary;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Lists runs from the history index, newest first, a page at a time. */
public interface RunHistory {

  /**
   * Which runs to list.
   *
   * @param workflow only runs of this workflow, or {@code null} for all
   * @param statuses only runs in one of these statuses, or empty for all
   * @param from only runs started at or after this instant, or {@code null}
   * @param to only runs started before this instant, or {@code null}
   * @param before the cursor of the previous page ({@link Page#next()}), or {@code null} for the
   *     first page
   * @param limit the largest number of runs to return
   */
  record Query(
      String workflow,
      Set<RunStatus> statuses,
      Instant from,
      Instant to,
      String before,
      int limit) {

    public Query {
      statuses = Set.copyOf(statuses);
    }

    /** Whether a summary passes the filters (time range and cursor are applied by key). */
    public boolean matches(RunSummary run) {
      return (workflow == null || workflow.equals(run.getWorkflow()))
          && (statuses.isEmpty() || statuses.contains(run.getStatus()));
    }
  }

  /**
   * One page of runs.
   *
   * @param runs the runs, newest first
   * @param next the cursor of the next page, or {@code null} when this is the last one
   * @param scanned how many index entries were read to answer, for the curious and for tuning
   */
  record Page(List<RunSummary> runs, String next, int scanned) {}

  /** Answers a query, or says why it cannot now. */
  sealed interface Result {}

  /** The page asked for. */
  record Found(Page page) implements Result {}

  /** The index cannot be read now (starting, rebalancing, restoring); retry later. */
  record Unavailable(String reason) implements Result {}

  Result list(Query query);

  /**
   * The position of a run in the history (newest first), as used for {@code before}: its start
   * time, zero-padded epoch milliseconds, then its id.
   */
  static String cursorOf(Instant startedAt, String runId) {
    return String.format("%013d", Math.max(0, startedAt.toEpochMilli())) + "|" + runId;
  }
}
