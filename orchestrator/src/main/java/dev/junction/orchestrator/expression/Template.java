package dev.junction.orchestrator.expression;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A JSON tree whose strings may hold {@code ${<CEL>}} expressions, compiled once and evaluated per
 * run.
 *
 * <p>A string that is exactly one {@code ${...}} evaluates to the expression's value with its type
 * (number, boolean, object, list); a string with expressions embedded in text is interpolated into
 * a string. Every other node is copied as it is.
 */
public sealed interface Template {

  /** A problem found while compiling a template, located by its path in the tree. */
  record Problem(String path, String message) {}

  /**
   * Compiles a tree, collecting every problem instead of stopping at the first, so a definition's
   * author sees all mistakes at once.
   *
   * @param path where the tree sits in its document, e.g. {@code steps[0].input}
   */
  static Template compile(
      JsonNode node, ExpressionCompiler compiler, String path, List<Problem> problems) {
    if (node == null || node.isMissingNode()) {
      return new Literal(JsonNodeFactory.instance.nullNode());
    }
    if (node.isObject()) {
      Map<String, Template> fields = new LinkedHashMap<>();
      node.properties()
          .forEach(
              e ->
                  fields.put(
                      e.getKey(),
                      compile(e.getValue(), compiler, path + "." + e.getKey(), problems)));
      return new ObjectTemplate(fields);
    }
    if (node.isArray()) {
      List<Template> items = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        items.add(compile(node.get(i), compiler, path + "[" + i + "]", problems));
      }
      return new ArrayTemplate(items);
    }
    if (node.isString()) {
      return compileString(node.asString(), compiler, path, problems);
    }
    return new Literal(node);
  }

  /** Compiles a string holding zero or more {@code ${...}} expressions. */
  static Template compileString(
      String text, ExpressionCompiler compiler, String path, List<Problem> problems) {
    List<TemplateParser.Segment> segments;
    try {
      segments = TemplateParser.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(path, e.getMessage()));
      return new Literal(JsonNodeFactory.instance.stringNode(text));
    }
    List<Object> parts = new ArrayList<>();
    for (TemplateParser.Segment segment : segments) {
      if (!segment.expression()) {
        parts.add(segment.text());
        continue;
      }
      try {
        parts.add(compiler.compile(segment.text()));
      } catch (ExpressionSyntaxException e) {
        problems.add(
            new Problem(
                path, "expression '" + segment.text() + "' does not compile: " + e.getMessage()));
        parts.add(segment.text());
      }
    }
    if (parts.size() == 1 && parts.getFirst() instanceof Expression expression) {
      return new Whole(expression);
    }
    if (parts.stream().noneMatch(Expression.class::isInstance)) {
      return new Literal(JsonNodeFactory.instance.stringNode(text));
    }
    return new Interpolated(List.copyOf(parts));
  }

  /**
   * Evaluates the template.
   *
   * @param variables CEL values of {@code request}, {@code steps} and {@code run}
   * @throws ExpressionEvaluationException naming the failing expression and its path
   */
  JsonNode evaluate(Map<String, ?> variables);

  /** Every {@code steps.<id>} the template's expressions read. */
  Set<String> referencedSteps();

  /** A node with no expression. */
  record Literal(JsonNode value) implements Template {
    @Override
    public JsonNode evaluate(Map<String, ?> variables) {
      return value.deepCopy();
    }

    @Override
    public Set<String> referencedSteps() {
      return Set.of();
    }
  }

  /** A string that is exactly one expression: the value keeps its type. */
  record Whole(Expression expression) implements Template {
    @Override
    public JsonNode evaluate(Map<String, ?> variables) {
      Object value = expression.evaluate(variables);
      try {
        return CelJson.toJson(value);
      } catch (IllegalArgumentException e) {
        throw new ExpressionEvaluationException(expression.source(), e.getMessage(), e);
      }
    }

    @Override
    public Set<String> referencedSteps() {
      return expression.referencedSteps();
    }
  }

  /** Text with embedded expressions: parts are {@link String}s and {@link Expression}s. */
  record Interpolated(List<Object> parts) implements Template {
    @Override
    public JsonNode evaluate(Map<String, ?> variables) {
      StringBuilder text = new StringBuilder();
      for (Object part : parts) {
        if (part instanceof Expression expression) {
          Object value = expression.evaluate(variables);
          try {
            text.append(CelJson.toText(value));
          } catch (IllegalArgumentException e) {
            throw new ExpressionEvaluationException(expression.source(), e.getMessage(), e);
          }
        } else {
          text.append(part);
        }
      }
      return JsonNodeFactory.instance.stringNode(text.toString());
    }

    @Override
    public Set<String> referencedSteps() {
      Set<String> steps = new TreeSet<>();
      parts.stream()
          .filter(Expression.class::isInstance)
          .forEach(p -> steps.addAll(((Expression) p).referencedSteps()));
      return steps;
    }
  }

  /** An object whose fields are templates. */
  record ObjectTemplate(Map<String, Template> fields) implements Template {
    @Override
    public JsonNode evaluate(Map<String, ?> variables) {
      ObjectNode object = JsonNodeFactory.instance.objectNode();
      fields.forEach(
          (name, template) -> {
            try {
              object.set(name, template.evaluate(variables));
            } catch (ExpressionEvaluationException e) {
              throw e.within(name);
            }
          });
      return object;
    }

    @Override
    public Set<String> referencedSteps() {
      Set<String> steps = new TreeSet<>();
      fields.values().forEach(t -> steps.addAll(t.referencedSteps()));
      return steps;
    }
  }

  /** An array whose items are templates. */
  record ArrayTemplate(List<Template> items) implements Template {
    @Override
    public JsonNode evaluate(Map<String, ?> variables) {
      ArrayNode array = JsonNodeFactory.instance.arrayNode(items.size());
      for (int i = 0; i < items.size(); i++) {
        try {
          array.add(items.get(i).evaluate(variables));
        } catch (ExpressionEvaluationException e) {
          throw e.within("[" + i + "]");
        }
      }
      return array;
    }

    @Override
    public Set<String> referencedSteps() {
      Set<String> steps = new TreeSet<>();
      items.forEach(t -> steps.addAll(t.referencedSteps()));
      return steps;
    }
  }
}
