package dev.junction.orchestrator.run;

import dev.junction.wire.RunState;

/** Reads the stored state of runs, for the runs API. */
public interface RunLookup {

  /** What a lookup found. */
  sealed interface Result {}

  /** The run's state. */
  record Found(RunState state) implements Result {}

  /** No run has this id. */
  record NotFound() implements Result {}

  /** The store cannot be read now (starting, rebalancing, restoring); retry later. */
  record Unavailable(String reason) implements Result {}

  Result find(String runId);
}
