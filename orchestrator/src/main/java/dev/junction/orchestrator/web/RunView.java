package dev.junction.orchestrator.web;

import dev.junction.wire.Problem;
import dev.junction.wire.RunState;
import dev.junction.wire.StepState;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** The JSON of {@code GET /runs/{id}}, as the contracts define it. */
record RunView(
    String runId,
    String workflow,
    String workflowVersion,
    String status,
    String trigger,
    String startedAt,
    String updatedAt,
    String deadline,
    List<StepView> steps,
    List<StepView> compensations,
    ResponseView response,
    ProblemView problem) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  record StepView(
      String stepId,
      String status,
      int attempt,
      JsonNode input,
      JsonNode output,
      String outcome,
      String error,
      List<String> errors,
      String firstStartedAt,
      String startedAt,
      String endedAt,
      String nextAttemptAt,
      JsonNode item,
      List<StepView> children) {}

  record ResponseView(int status, Map<String, String> headers, JsonNode body) {}

  record ProblemView(String type, String title, int status, String detail) {}

  static RunView of(RunState state) {
    WorkflowReply reply = state.getReply();
    boolean succeeded = reply != null && reply.getOutcome() == WorkflowOutcome.SUCCEEDED;
    Problem problem = reply == null ? state.getProblem() : reply.getProblem();
    return new RunView(
        state.getRunId(),
        state.getWorkflow(),
        state.getWorkflowVersion(),
        state.getStatus().name(),
        state.getRequest().getTrigger(),
        iso(state.getStartedAt()),
        iso(state.getUpdatedAt()),
        iso(state.getDeadline()),
        state.getSteps().stream().map(step -> step(step, children(state, step))).toList(),
        state.getCompensations().stream().map(step -> step(step, List.of())).toList(),
        succeeded
            ? new ResponseView(
                reply.getStatus(), Map.copyOf(reply.getHeaders()), json(reply.getBody()))
            : null,
        problem == null
            ? null
            : new ProblemView(
                problem.getType(), problem.getTitle(), problem.getStatus(), problem.getDetail()));
  }

  private static List<StepState> children(RunState state, StepState step) {
    return state.getGroups().stream()
        .filter(group -> group.getStepId().equals(step.getStepId()))
        .findFirst()
        .map(group -> group.getChildren())
        .orElse(List.of());
  }

  private static StepView step(StepState step, List<StepState> children) {
    return new StepView(
        step.getStepId(),
        step.getStatus().name(),
        step.getAttempt(),
        json(step.getInput()),
        json(step.getOutput()),
        step.getOutcome() == null ? null : step.getOutcome().name(),
        step.getError(),
        List.copyOf(step.getErrors()),
        iso(step.getFirstStartedAt()),
        iso(step.getStartedAt()),
        iso(step.getEndedAt()),
        iso(step.getNextAttemptAt()),
        json(step.getItem()),
        children.stream().map(child -> step(child, List.of())).toList());
  }

  /** JSON text as a tree; text that is not JSON (a plain-text backend answer) as a string. */
  private static JsonNode json(String text) {
    if (text == null) {
      return null;
    }
    try {
      return JSON.readTree(text);
    } catch (JacksonException e) {
      return JsonNodeFactory.instance.stringNode(text);
    }
  }

  private static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
