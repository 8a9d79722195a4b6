package dev.junction.orchestrator.workflow;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A loaded, validated workflow definition with its expressions compiled: ready to run.
 *
 * @param name the name API operations refer to ({@code backend.workflow})
 * @param version the version runs are pinned to
 * @param description what the workflow does, for people
 * @param steps the steps, run in order
 * @param timeout the run's deadline from its start, or {@code null} for none; when it passes the
 *     run stops and compensates
 * @param response how a successful run answers the caller
 * @param failure how a run whose step failed answers the caller
 * @param triggers what else starts runs: schedules, Kafka topics
 * @param source where the definition was read from (a file name), for messages
 */
public record WorkflowDefinition(
    String name,
    String version,
    String description,
    List<StepDefinition> steps,
    Duration timeout,
    ResponseMapping response,
    FailureMapping failure,
    List<Trigger> triggers,
    String source) {

  public WorkflowDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    steps = List.copyOf(steps);
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(failure, "failure");
    triggers = List.copyOf(triggers);
  }

  /** The connectors the steps and their compensations call, in order of first use. */
  public Set<String> connectors() {
    Set<String> connectors = new LinkedHashSet<>();
    for (StepDefinition step : steps) {
      addConnectors(step, connectors);
      step.branches().forEach(branch -> addConnectors(branch, connectors));
      step.cases().forEach(option -> addConnectors(option, connectors));
    }
    return connectors;
  }

  private static void addConnectors(StepDefinition step, Set<String> connectors) {
    if (step.call() != null) {
      connectors.add(step.call().connector());
    }
    if (step.compensation() != null) {
      connectors.add(step.compensation().call().connector());
    }
  }

  /** The step with id {@code id}, or {@code null}. */
  public StepDefinition step(String id) {
    return steps.stream().filter(step -> step.id().equals(id)).findFirst().orElse(null);
  }

  /** {@code name@version}, for logs and messages. */
  public String label() {
    return name + "@" + version;
  }
}
