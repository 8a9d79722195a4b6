package dev.junction.orchestrator.workflow;

import java.util.Collection;
import java.util.Optional;

/** Looks up workflow definitions: the current one for new runs, a pinned one for running runs. */
public interface WorkflowDefinitions {

  /** The version new runs of {@code name} start with. */
  Optional<WorkflowDefinition> current(String name);

  /** A specific version, for a run pinned to it. */
  Optional<WorkflowDefinition> find(String name, String version);

  /** The definitions new runs start with. */
  Collection<WorkflowDefinition> currentDefinitions();
}
