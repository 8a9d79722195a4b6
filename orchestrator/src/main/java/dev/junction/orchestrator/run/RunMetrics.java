package dev.junction.orchestrator.run;

import dev.junction.wire.RunState;
import dev.junction.wire.StepState;
import dev.junction.wire.StepStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Run metrics, derived from each stored transition: {@code junction.runs.started}, {@code
 * junction.runs.completed} (tags workflow, outcome: the final status, e.g. {@code
 * compensation_failed}, which alerts should watch) and {@code junction.steps.duration} (tags
 * workflow, step, outcome). Tags are low-cardinality: never run ids.
 */
public final class RunMetrics {

  /** Tag value for runs of a workflow that is not loaded, so arbitrary names never become tags. */
  static final String UNKNOWN_WORKFLOW = "(unknown)";

  private final MeterRegistry registry;

  public RunMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records what changed between the stored state {@code before} (or null) and {@code after}. */
  public void record(RunState before, RunState after) {
    String workflow = after.getWorkflowVersion().isEmpty() ? UNKNOWN_WORKFLOW : after.getWorkflow();
    if (before == null) {
      Counter.builder("junction.runs.started")
          .description("Runs started")
          .tag("workflow", workflow)
          .register(registry)
          .increment();
    }
    if (ended(after) && (before == null || !ended(before))) {
      Counter.builder("junction.runs.completed")
          .description("Runs that ended, by outcome")
          .tag("workflow", workflow)
          .tag("outcome", after.getStatus().name().toLowerCase(Locale.ROOT))
          .register(registry)
          .increment();
    }
    List<StepState> previous = before == null ? List.of() : before.getSteps();
    for (int i = 0; i < after.getSteps().size(); i++) {
      StepState step = after.getSteps().get(i);
      boolean wasRunning = i < previous.size() && previous.get(i).getStatus() == StepStatus.RUNNING;
      if (wasRunning && step.getStatus() != StepStatus.RUNNING && step.getEndedAt() != null) {
        Timer.builder("junction.steps.duration")
            .description("Time from sending a step's command to receiving its reply")
            .tag("workflow", workflow)
            .tag("step", step.getStepId())
            .tag("outcome", step.getStatus().name().toLowerCase(Locale.ROOT))
            .register(registry)
            .record(Duration.between(step.getStartedAt(), step.getEndedAt()));
      }
    }
  }

  private static boolean ended(RunState state) {
    return WorkflowEngine.isEnded(state.getStatus());
  }
}
