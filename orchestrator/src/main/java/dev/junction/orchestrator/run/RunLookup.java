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

  /**
   * Another instance owns the run (its partition): ask it.
   *
   * @param baseUrl that instance's runs API, e.g. {@code http://10.0.0.7:8081}
   */
  record Elsewhere(String baseUrl) implements Result {}

  /** The store cannot be read now (starting, rebalancing, restoring); retry later. */
  record Unavailable(String reason) implements Result {}

  Result find(String runId);

  /** The runs APIs of the other instances of this orchestrator, for a list across them all. */
  default java.util.List<String> otherInstances() {
    return java.util.List.of();
  }
}
