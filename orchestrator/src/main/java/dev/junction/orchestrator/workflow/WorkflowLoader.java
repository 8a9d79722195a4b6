package dev.junction.orchestrator.workflow;

import dev.junction.orchestrator.expression.ExpressionCompiler;
import dev.junction.orchestrator.expression.Template;
import dev.junction.orchestrator.workflow.InvalidWorkflowException.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a workflow definition from YAML, validates it and compiles its expressions.
 *
 * <p>Validation collects every problem of a file (unknown or missing fields, duplicate step ids,
 * expressions that do not compile, reads of steps that have not run yet) so the author fixes them
 * in one pass; {@link InvalidWorkflowException} names the file and the path of each problem.
 */
public final class WorkflowLoader {

  /** Workflow names share the API catalog's alphabet, since operations refer to them. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");

  /** Connector names become topic names ({@code <connector>.commands}). */
  private static final Pattern CONNECTOR = Pattern.compile("[a-z0-9-]+");

  /** Step ids must be CEL identifiers so that {@code steps.<id>} selects them. */
  private static final Pattern STEP_ID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private static final Set<String> TOP_FIELDS =
      Set.of("name", "version", "description", "steps", "response", "failure");
  private static final Set<String> STEP_FIELDS =
      Set.of("id", "connector", "connection", "operation", "input");
  private static final Set<String> RESPONSE_FIELDS = Set.of("status", "headers", "body");
  private static final Set<String> FAILURE_FIELDS = Set.of("status", "title");

  private final YAMLMapper yaml =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private final ExpressionCompiler compiler;

  public WorkflowLoader(ExpressionCompiler compiler) {
    this.compiler = compiler;
  }

  /**
   * Loads a definition file.
   *
   * @throws InvalidWorkflowException when the file is not a valid definition
   * @throws UncheckedIOException when the file cannot be read
   */
  public WorkflowDefinition load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read workflow definition " + file, e);
    }
    return parse(file.toString(), text);
  }

  /**
   * Parses a definition.
   *
   * @param source where the text comes from, used in messages
   * @throws InvalidWorkflowException when the text is not a valid definition
   */
  public WorkflowDefinition parse(String source, String text) {
    JsonNode root;
    try {
      root = yaml.readTree(text);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      throw new InvalidWorkflowException(
          source,
          List.of(
              new Violation("(document)", "not valid YAML: " + e.getOriginalMessage() + where)));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new InvalidWorkflowException(
          source, List.of(new Violation("(document)", "the file is empty")));
    }
    Validation v = new Validation();
    if (!root.isObject()) {
      v.add("(document)", "must be a mapping with name, version, steps and response");
      throw new InvalidWorkflowException(source, v.violations);
    }
    v.unknownFields(root, "", TOP_FIELDS);
    String name = v.requiredText(root, "", "name");
    if (name != null && !NAME.matcher(name).matches()) {
      v.add("name", "'" + name + "' must match " + NAME.pattern());
    }
    String version = v.requiredText(root, "", "version");
    String description = v.optionalText(root, "", "description");
    List<StepDefinition> steps = steps(root.get("steps"), v);
    List<String> stepIds = steps.stream().map(StepDefinition::id).toList();
    ResponseMapping response = response(root.get("response"), stepIds, v);
    FailureMapping failure = failure(root.get("failure"), v);
    if (!v.violations.isEmpty()) {
      throw new InvalidWorkflowException(source, v.violations);
    }
    return new WorkflowDefinition(name, version, description, steps, response, failure, source);
  }

  private List<StepDefinition> steps(JsonNode node, Validation v) {
    List<StepDefinition> steps = new ArrayList<>();
    if (node == null || node.isNull()) {
      v.add("steps", "is required: a list of at least one step");
      return steps;
    }
    if (!node.isArray() || node.isEmpty()) {
      v.add("steps", "must be a list of at least one step");
      return steps;
    }
    List<String> allIds = new ArrayList<>();
    node.values()
        .forEach(
            s ->
                allIds.add(
                    s.isObject() && s.path("id").isString() ? s.get("id").asString() : null));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "steps[" + i + "]";
      JsonNode step = node.get(i);
      if (!step.isObject()) {
        v.add(path, "must be a mapping with id, connector, connection, operation and input");
        continue;
      }
      v.unknownFields(step, path, STEP_FIELDS);
      String id = v.requiredText(step, path, "id");
      if (id != null) {
        if (!STEP_ID.matcher(id).matches()) {
          v.add(path + ".id", "'" + id + "' must be an identifier matching " + STEP_ID.pattern());
        } else if (!seen.add(id)) {
          v.add(path + ".id", "duplicate step id '" + id + "'");
        }
      }
      String connector = v.requiredText(step, path, "connector");
      if (connector != null && !CONNECTOR.matcher(connector).matches()) {
        v.add(path + ".connector", "'" + connector + "' must match " + CONNECTOR.pattern());
      }
      String connection = v.requiredText(step, path, "connection");
      String operation = v.requiredText(step, path, "operation");
      Template input = v.template(step.get("input"), path + ".input");
      List<String> earlier = allIds.subList(0, i).stream().filter(Objects::nonNull).toList();
      v.stepReferences(input, path + ".input", earlier, allIds);
      steps.add(new StepDefinition(id, connector, connection, operation, input));
    }
    return steps;
  }

  private ResponseMapping response(JsonNode node, List<String> stepIds, Validation v) {
    if (node == null || node.isNull()) {
      v.add("response", "is required: status, and optionally headers and body");
      return new ResponseMapping(200, Map.of(), null);
    }
    if (!node.isObject()) {
      v.add("response", "must be a mapping with status, headers and body");
      return new ResponseMapping(200, Map.of(), null);
    }
    v.unknownFields(node, "response", RESPONSE_FIELDS);
    int status = v.status(node, "response", 100, 599);
    Map<String, Template> headers = new LinkedHashMap<>();
    JsonNode headerNode = node.get("headers");
    if (headerNode != null && !headerNode.isNull()) {
      if (!headerNode.isObject()) {
        v.add("response.headers", "must be a mapping of header names to values");
      } else {
        headerNode
            .properties()
            .forEach(
                e -> {
                  String path = "response.headers." + e.getKey();
                  if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    v.add(path, "must be a text value");
                    return;
                  }
                  Template value = v.template(e.getValue(), path);
                  v.stepReferences(value, path, stepIds, stepIds);
                  headers.put(e.getKey(), value);
                });
      }
    }
    Template body = null;
    if (node.has("body")) {
      body = v.template(node.get("body"), "response.body");
      v.stepReferences(body, "response.body", stepIds, stepIds);
    }
    return new ResponseMapping(status, headers, body);
  }

  private static FailureMapping failure(JsonNode node, Validation v) {
    if (node == null || node.isNull()) {
      return FailureMapping.DEFAULT;
    }
    if (!node.isObject()) {
      v.add("failure", "must be a mapping with status and title");
      return FailureMapping.DEFAULT;
    }
    v.unknownFields(node, "failure", FAILURE_FIELDS);
    int status =
        node.has("status") ? v.status(node, "failure", 400, 599) : FailureMapping.DEFAULT.status();
    String title = v.optionalText(node, "failure", "title");
    return new FailureMapping(status, title == null ? FailureMapping.DEFAULT.title() : title);
  }

  /** Collects violations while walking one document. */
  private final class Validation {
    private final List<Violation> violations = new ArrayList<>();

    void add(String path, String problem) {
      violations.add(new Violation(path, problem));
    }

    void unknownFields(JsonNode node, String path, Set<String> allowed) {
      for (String field : node.propertyNames()) {
        if (!allowed.contains(field)) {
          add(
              join(path, field),
              "unknown field (allowed: "
                  + String.join(", ", allowed.stream().sorted().toList())
                  + ")");
        }
      }
    }

    String requiredText(JsonNode node, String path, String field) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull() || (value.isString() && value.asString().isBlank())) {
        add(join(path, field), "is required");
        return null;
      }
      // scalars such as version: 1 are accepted as their text
      if (!value.isValueNode()) {
        add(join(path, field), "must be a text value");
        return null;
      }
      return value.asString();
    }

    String optionalText(JsonNode node, String path, String field) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isValueNode()) {
        add(join(path, field), "must be a text value");
        return null;
      }
      return value.asString();
    }

    int status(JsonNode node, String path, int min, int max) {
      JsonNode value = node.get("status");
      String at = join(path, "status");
      if (value == null || value.isNull()) {
        add(at, "is required");
        return min;
      }
      if (!value.isInt() || value.asInt() < min || value.asInt() > max) {
        add(at, "must be an HTTP status between " + min + " and " + max + ", was " + value);
        return min;
      }
      return value.asInt();
    }

    Template template(JsonNode node, String path) {
      List<Template.Problem> problems = new ArrayList<>();
      Template template = Template.compile(node, compiler, path, problems);
      problems.forEach(p -> add(p.path(), p.message()));
      return template;
    }

    /** Checks that a template reads only steps that have completed by the time it runs. */
    void stepReferences(
        Template template, String path, List<String> available, List<String> allIds) {
      for (String step : template.referencedSteps()) {
        if (available.contains(step)) {
          continue;
        }
        add(
            path,
            allIds.contains(step)
                ? "reads steps." + step + " before step '" + step + "' has run"
                : "reads steps." + step + " but there is no step '" + step + "'");
      }
    }

    private static String join(String path, String field) {
      return path.isEmpty() ? field : path + "." + field;
    }
  }
}
