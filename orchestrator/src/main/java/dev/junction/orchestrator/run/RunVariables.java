package dev.junction.orchestrator.run;

import dev.junction.orchestrator.expression.CelJson;
import dev.junction.orchestrator.expression.ExpressionCompiler;
import dev.junction.wire.RunState;
import dev.junction.wire.StepState;
import dev.junction.wire.StepStatus;
import dev.junction.wire.WorkflowRequested;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** Builds the CEL variables {@code request}, {@code steps} and {@code run} from a run's state. */
final class RunVariables {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private RunVariables() {}

  static Map<String, Object> of(RunState state) {
    WorkflowRequested request = state.getRequest();
    Map<String, Object> req = new LinkedHashMap<>();
    req.put("method", request.getMethod());
    req.put("path", request.getPath());
    req.put("pathParams", Map.copyOf(request.getPathParams()));
    req.put("query", Map.copyOf(request.getQuery()));
    req.put("headers", Map.copyOf(request.getHeaders()));
    req.put("body", CelJson.toCel(parse(request.getBody())));
    req.put("principal", CelJson.toCel(request.getPrincipal()));
    req.put("clientId", CelJson.toCel(request.getClientId()));

    Map<String, Object> steps = new LinkedHashMap<>();
    for (StepState step : state.getSteps()) {
      // succeeded steps with their output; skipped ones too, so conditions can ask
      if (step.getStatus() == StepStatus.SUCCEEDED || step.getStatus() == StepStatus.SKIPPED) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("output", CelJson.toCel(parse(step.getOutput())));
        entry.put("status", step.getStatus().name());
        steps.put(step.getStepId(), entry);
      }
    }

    Map<String, Object> run =
        Map.of(
            "id", state.getRunId(),
            "workflow", state.getWorkflow(),
            "version", state.getWorkflowVersion());
    return Map.of(
        ExpressionCompiler.REQUEST,
        req,
        ExpressionCompiler.STEPS,
        steps,
        ExpressionCompiler.RUN,
        run);
  }

  /**
   * Parses JSON text. Text that is not JSON (a connector answering plain text) is kept as a string
   * so expressions can still read it.
   */
  static JsonNode parse(String json) {
    if (json == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    try {
      return JSON.readTree(json);
    } catch (JacksonException e) {
      return JsonNodeFactory.instance.stringNode(json);
    }
  }
}
