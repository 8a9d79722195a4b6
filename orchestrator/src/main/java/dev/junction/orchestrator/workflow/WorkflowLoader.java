package dev.junction.orchestrator.workflow;

import dev.junction.orchestrator.expression.ExpressionCompiler;
import dev.junction.orchestrator.expression.Template;
import dev.junction.orchestrator.workflow.InvalidWorkflowException.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.scheduling.support.CronExpression;
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

  /** How long a step's attempt waits for its reply when the step does not say. */
  public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(30);

  private static final Set<String> TOP_FIELDS =
      Set.of(
          "name", "version", "description", "timeout", "triggers", "steps", "response", "failure");
  private static final Set<String> SCHEDULE_FIELDS = Set.of("cron", "zone", "body");
  private static final Set<String> KAFKA_FIELDS = Set.of("topic");

  /** Kafka's own rule for topic names. */
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private static final Set<String> CALL_FIELDS =
      Set.of("connector", "connection", "operation", "input");
  private static final Set<String> STEP_FIELDS =
      union(
          CALL_FIELDS,
          Set.of(
              "id",
              "when",
              "delay",
              "until",
              "timeout",
              "retry",
              "compensate",
              "parallel",
              "switch",
              "forEach",
              "concurrency"));
  private static final Set<String> CASE_FIELDS =
      union(CALL_FIELDS, Set.of("id", "when", "timeout", "retry", "compensate"));
  private static final Set<String> BRANCH_FIELDS =
      union(CALL_FIELDS, Set.of("id", "timeout", "retry", "compensate"));
  private static final Set<String> PARALLEL_FIELDS = Set.of("join", "branches");

  /** Items of a forEach step in flight at once unless it says. */
  public static final int DEFAULT_CONCURRENCY = 4;

  static final int MAX_CONCURRENCY = 100;
  private static final Set<String> COMPENSATE_FIELDS =
      union(CALL_FIELDS, Set.of("timeout", "retry"));
  private static final Set<String> RETRY_FIELDS =
      Set.of("maxAttempts", "initialInterval", "multiplier", "maxInterval", "jitter", "on");
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
    Duration timeout = v.duration(root, "", "timeout", null);
    List<StepDefinition> steps = steps(root.get("steps"), v);
    List<String> stepIds = steps.stream().map(StepDefinition::id).toList();
    ResponseMapping response = response(root.get("response"), stepIds, v);
    FailureMapping failure = failure(root.get("failure"), v);
    List<Trigger> triggers = triggers(root.get("triggers"), v);
    if (!v.violations.isEmpty()) {
      throw new InvalidWorkflowException(source, v.violations);
    }
    return new WorkflowDefinition(
        name, version, description, steps, timeout, response, failure, triggers, source);
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
        v.add(path, "must be a mapping with an id and either a connector call or a delay");
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
      List<String> earlier = allIds.subList(0, i).stream().filter(Objects::nonNull).toList();
      List<String> throughThis =
          allIds.subList(0, i + 1).stream().filter(Objects::nonNull).toList();
      Template when = null;
      if (step.has("when")) {
        when = v.condition(step.get("when"), path + ".when");
        v.stepReferences(when, path + ".when", earlier, allIds);
      }
      Duration delay = v.duration(step, path, "delay", null);
      Template until = null;
      if (step.has("until")) {
        until = v.template(step.get("until"), path + ".until");
        if (!(until instanceof Template.Whole)) {
          v.add(path + ".until", "must be one ${...} expression giving an instant (ISO-8601)");
        }
        v.stepReferences(until, path + ".until", earlier, allIds);
        if (delay != null) {
          v.add(path + ".until", "a step waits either a delay or until an instant, not both");
        }
      }
      boolean parallel = step.has("parallel") || step.has("switch");
      boolean waits = delay != null || until != null;
      if (waits || parallel) {
        for (String field :
            List.of(
                "connector",
                "connection",
                "operation",
                "input",
                "retry",
                "compensate",
                "forEach",
                "concurrency")) {
          if (step.has(field)) {
            v.add(
                path + "." + field,
                parallel
                    ? "a parallel step's branches call connectors; move "
                        + field
                        + " into its branches"
                    : field.equals("compensate")
                        ? "a delay step has nothing to undo"
                        : "a delay step calls no connector; remove " + field);
          }
        }
      }
      if (waits && parallel) {
        v.add(path, "a step is either a delay or parallel branches, not both");
        continue;
      }
      if (waits) {
        Duration timeout = v.duration(step, path, "timeout", DEFAULT_STEP_TIMEOUT);
        if (id != null) {
          steps.add(StepDefinition.waiting(id, when, delay, until, timeout));
        }
        continue;
      }
      if (step.has("parallel") && step.has("switch")) {
        v.add(path, "a step is either parallel branches or a switch, not both");
        continue;
      }
      if (step.has("switch")) {
        StepDefinition choice =
            choice(id, when, step.get("switch"), path + ".switch", earlier, allIds, v);
        if (choice != null) {
          steps.add(choice);
        }
        continue;
      }
      if (parallel) {
        StepDefinition step1 =
            parallel(id, when, step.get("parallel"), path + ".parallel", earlier, allIds, v);
        if (step1 != null) {
          steps.add(step1);
        }
        continue;
      }
      Template forEach = null;
      int concurrency = 1;
      if (step.has("forEach")) {
        forEach = v.template(step.get("forEach"), path + ".forEach");
        if (!(forEach instanceof Template.Whole)) {
          v.add(path + ".forEach", "must be one ${...} expression giving a list");
        }
        v.stepReferences(forEach, path + ".forEach", earlier, allIds);
        JsonNode bound = step.get("concurrency");
        if (bound == null || bound.isNull()) {
          concurrency = DEFAULT_CONCURRENCY;
        } else if (!bound.isInt() || bound.asInt() < 1 || bound.asInt() > MAX_CONCURRENCY) {
          v.add(path + ".concurrency", "must be a whole number from 1 to " + MAX_CONCURRENCY);
        } else {
          concurrency = bound.asInt();
        }
      } else if (step.has("concurrency")) {
        v.add(path + ".concurrency", "only a forEach step has a concurrency");
      }
      StepDefinition call = callStep(id, when, step, path, earlier, throughThis, allIds, v);
      if (call != null) {
        steps.add(forEach == null ? call : StepDefinition.forEach(call, forEach, concurrency));
      }
    }
    return steps;
  }

  /** A call with its timeout, retry policy and compensation: a call step or a branch. */
  private StepDefinition callStep(
      String id,
      Template when,
      JsonNode step,
      String path,
      List<String> earlier,
      List<String> throughThis,
      List<String> allIds,
      Validation v) {
    StepDefinition.Call call = v.call(step, path, earlier, allIds);
    Duration timeout = v.duration(step, path, "timeout", DEFAULT_STEP_TIMEOUT);
    RetryPolicy retry = v.retry(step.get("retry"), path + ".retry", RetryPolicy.NONE);
    StepDefinition.Compensation compensation = null;
    JsonNode compensate = step.get("compensate");
    if (compensate != null && !compensate.isNull()) {
      String at = path + ".compensate";
      if (!compensate.isObject()) {
        v.add(at, "must be a mapping with connector, connection, operation and input");
      } else {
        v.unknownFields(compensate, at, COMPENSATE_FIELDS);
        StepDefinition.Call undo = v.call(compensate, at, throughThis, allIds);
        compensation =
            new StepDefinition.Compensation(
                undo,
                v.duration(compensate, at, "timeout", timeout),
                v.retry(compensate.get("retry"), at + ".retry", RetryPolicy.COMPENSATION_DEFAULT));
      }
    }
    return id == null ? null : StepDefinition.call(id, when, call, timeout, retry, compensation);
  }

  /**
   * The branches of a parallel step or the cases of a switch: call steps with ids unique among
   * them. A case's {@code when} is required except on the last (the default); a branch has none.
   * Their compensations may read their own step ({@code steps.<step>.output...}).
   */
  private List<StepDefinition> parts(
      String stepId,
      JsonNode nodes,
      String path,
      String kind,
      Set<String> fields,
      List<String> earlier,
      List<String> allIds,
      Validation v) {
    List<StepDefinition> parts = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<String> throughThis = new ArrayList<>(earlier);
    if (stepId != null) {
      throughThis.add(stepId);
    }
    boolean cases = kind.equals("case");
    for (int i = 0; i < nodes.size(); i++) {
      String at = path + "[" + i + "]";
      JsonNode node = nodes.get(i);
      if (!node.isObject()) {
        v.add(
            at,
            "must be a mapping with id, "
                + (cases ? "when, " : "")
                + "connector, connection, operation and input");
        continue;
      }
      v.unknownFields(node, at, fields);
      String id = v.requiredText(node, at, "id");
      if (id != null && !STEP_ID.matcher(id).matches()) {
        v.add(at + ".id", "'" + id + "' must be an identifier matching " + STEP_ID.pattern());
      } else if (id != null && !seen.add(id)) {
        v.add(at + ".id", "duplicate " + kind + " id '" + id + "'");
      }
      Template condition = null;
      if (cases && node.has("when")) {
        condition = v.condition(node.get("when"), at + ".when");
        v.stepReferences(condition, at + ".when", earlier, allIds);
      } else if (cases && i < nodes.size() - 1) {
        v.add(at + ".when", "is required except on the last case (the default)");
      }
      StepDefinition parsed = callStep(id, condition, node, at, earlier, throughThis, allIds, v);
      if (parsed != null) {
        parts.add(parsed);
      }
    }
    return parts;
  }

  /** {@code switch: [call steps with when, the last maybe without]}. */
  private StepDefinition choice(
      String id,
      Template when,
      JsonNode node,
      String path,
      List<String> earlier,
      List<String> allIds,
      Validation v) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      v.add(path, "must be a list of cases, each a call with when (the last may have none)");
      return null;
    }
    List<StepDefinition> cases = parts(id, node, path, "case", CASE_FIELDS, earlier, allIds, v);
    if (id == null || cases.size() != node.size()) {
      return null;
    }
    return StepDefinition.choice(id, when, cases, DEFAULT_STEP_TIMEOUT);
  }

  /** {@code parallel: {join, branches: [call steps]}}. */
  private StepDefinition parallel(
      String id,
      Template when,
      JsonNode node,
      String path,
      List<String> earlier,
      List<String> allIds,
      Validation v) {
    if (node == null || !node.isObject()) {
      v.add(path, "must be a mapping with branches and optionally join (all or first)");
      return null;
    }
    v.unknownFields(node, path, PARALLEL_FIELDS);
    StepDefinition.Join join = StepDefinition.Join.ALL;
    String joinText = v.optionalText(node, path, "join");
    if (joinText != null) {
      try {
        join = StepDefinition.Join.valueOf(joinText.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        v.add(path + ".join", "'" + joinText + "' must be all or first");
      }
    }
    JsonNode branchNodes = node.get("branches");
    if (branchNodes == null || !branchNodes.isArray() || branchNodes.size() < 2) {
      v.add(path + ".branches", "must be a list of at least two branches");
      return null;
    }
    List<StepDefinition> branches =
        parts(id, branchNodes, path + ".branches", "branch", BRANCH_FIELDS, earlier, allIds, v);
    if (id == null || branches.size() != branchNodes.size()) {
      return null;
    }
    return StepDefinition.parallel(id, when, branches, join, DEFAULT_STEP_TIMEOUT);
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

  private static List<Trigger> triggers(JsonNode node, Validation v) {
    List<Trigger> triggers = new ArrayList<>();
    if (node == null || node.isNull()) {
      return triggers;
    }
    if (!node.isArray()) {
      v.add("triggers", "must be a list of schedule or kafka triggers");
      return triggers;
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "triggers[" + i + "]";
      JsonNode trigger = node.get(i);
      if (!trigger.isObject()
          || trigger.size() != 1
          || !(trigger.has("schedule") || trigger.has("kafka"))) {
        v.add(path, "must be one of {schedule: {cron, zone, body}} or {kafka: {topic}}");
        continue;
      }
      if (trigger.has("schedule")) {
        JsonNode schedule = trigger.get("schedule");
        String at = path + ".schedule";
        if (!schedule.isObject()) {
          v.add(at, "must be a mapping with cron, and optionally zone and body");
          continue;
        }
        v.unknownFields(schedule, at, SCHEDULE_FIELDS);
        String cron = v.requiredText(schedule, at, "cron");
        String zoneName = v.optionalText(schedule, at, "zone");
        CronExpression expression = null;
        if (cron != null) {
          try {
            expression = CronExpression.parse(cron);
          } catch (IllegalArgumentException e) {
            v.add(
                at + ".cron",
                "'"
                    + cron
                    + "' is not a cron expression (six fields: second minute hour day month"
                    + " weekday): "
                    + e.getMessage());
          }
        }
        ZoneId zone = ZoneOffset.UTC;
        if (zoneName != null) {
          try {
            zone = ZoneId.of(zoneName);
          } catch (DateTimeException e) {
            v.add(at + ".zone", "'" + zoneName + "' is not a time zone such as Europe/Oslo or UTC");
          }
        }
        if (expression != null) {
          triggers.add(new Trigger.Schedule(cron, expression, zone, schedule.get("body")));
        }
      } else {
        JsonNode kafka = trigger.get("kafka");
        String at = path + ".kafka";
        if (!kafka.isObject()) {
          v.add(at, "must be a mapping with topic");
          continue;
        }
        v.unknownFields(kafka, at, KAFKA_FIELDS);
        String topic = v.requiredText(kafka, at, "topic");
        if (topic != null && !TOPIC.matcher(topic).matches()) {
          v.add(at + ".topic", "'" + topic + "' is not a Kafka topic name");
        } else if (topic != null) {
          triggers.add(new Trigger.KafkaTopic(topic));
        }
      }
    }
    return triggers;
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

  private static Set<String> union(Set<String> a, Set<String> b) {
    return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
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

    /** A connector call: connector, connection, operation and input. */
    StepDefinition.Call call(
        JsonNode node, String path, List<String> available, List<String> allIds) {
      String connector = requiredText(node, path, "connector");
      if (connector != null && !CONNECTOR.matcher(connector).matches()) {
        add(path + ".connector", "'" + connector + "' must match " + CONNECTOR.pattern());
      }
      String connection = requiredText(node, path, "connection");
      String operation = requiredText(node, path, "operation");
      Template input = template(node.get("input"), path + ".input");
      stepReferences(input, path + ".input", available, allIds);
      return new StepDefinition.Call(connector, connection, operation, input);
    }

    /** A condition: one {@code ${...}} expression, or a literal true or false. */
    Template condition(JsonNode node, String path) {
      if (node.isBoolean()) {
        return template(node, path);
      }
      Template template = template(node, path);
      if (!(template instanceof Template.Whole)) {
        add(path, "must be one ${...} expression giving true or false, or a literal true/false");
      }
      return template;
    }

    /**
     * A duration such as {@code 500ms}, {@code 30s}, {@code 5m} or ISO-8601 {@code PT30S}.
     *
     * @param fallback the value when the field is absent
     */
    Duration duration(JsonNode node, String path, String field, Duration fallback) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return fallback;
      }
      String at = join(path, field);
      if (!value.isString()) {
        add(at, "must be a duration such as 500ms, 30s, 5m or PT30S, was " + value);
        return fallback;
      }
      try {
        Duration duration = DurationStyle.detectAndParse(value.asString());
        if (duration.isNegative()) {
          add(at, "must not be negative");
          return fallback;
        }
        return duration;
      } catch (IllegalArgumentException e) {
        add(at, "'" + value.asString() + "' is not a duration such as 500ms, 30s, 5m or PT30S");
        return fallback;
      }
    }

    RetryPolicy retry(JsonNode node, String path, RetryPolicy defaults) {
      if (node == null || node.isNull()) {
        return defaults;
      }
      if (!node.isObject()) {
        add(path, "must be a mapping with maxAttempts and optionally the backoff and on");
        return defaults;
      }
      unknownFields(node, path, RETRY_FIELDS);
      int maxAttempts = defaults.maxAttempts();
      JsonNode attempts = node.get("maxAttempts");
      if (attempts == null || !attempts.isInt() || attempts.asInt() < 1 || attempts.asInt() > 100) {
        add(join(path, "maxAttempts"), "is required: a whole number from 1 to 100");
      } else {
        maxAttempts = attempts.asInt();
      }
      Duration initial = duration(node, path, "initialInterval", defaults.initialInterval());
      Duration max = duration(node, path, "maxInterval", defaults.maxInterval());
      double multiplier = number(node, path, "multiplier", defaults.multiplier(), 1, 10);
      double jitter = number(node, path, "jitter", defaults.jitter(), 0, 1);
      Set<RetryPolicy.RetryOn> on = EnumSet.noneOf(RetryPolicy.RetryOn.class);
      JsonNode onNode = node.get("on");
      if (onNode == null || onNode.isNull()) {
        on.addAll(defaults.on());
      } else if (!onNode.isArray() || onNode.isEmpty()) {
        add(join(path, "on"), "must be a list of " + Arrays.toString(RetryPolicy.RetryOn.values()));
      } else {
        for (JsonNode item : onNode) {
          try {
            on.add(RetryPolicy.RetryOn.valueOf(item.asString()));
          } catch (IllegalArgumentException e) {
            add(
                join(path, "on"),
                "'"
                    + item.asString()
                    + "' is not one of "
                    + Arrays.toString(RetryPolicy.RetryOn.values()));
          }
        }
      }
      if (initial.compareTo(max) > 0) {
        add(join(path, "initialInterval"), "must not be longer than maxInterval (" + max + ")");
        max = initial;
      }
      if (on.isEmpty()) {
        on.addAll(defaults.on());
      }
      return new RetryPolicy(maxAttempts, initial, multiplier, max, jitter, on);
    }

    double number(
        JsonNode node, String path, String field, double fallback, double min, double max) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
        add(join(path, field), "must be a number from " + min + " to " + max + ", was " + value);
        return fallback;
      }
      return value.asDouble();
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
