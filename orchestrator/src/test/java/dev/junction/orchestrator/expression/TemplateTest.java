package dev.junction.orchestrator.expression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TemplateTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final ExpressionCompiler compiler = new ExpressionCompiler(1000);

  private final Map<String, Object> variables =
      Map.of(
          "request",
          Map.of(
              "body",
              CelJson.toCel(
                  JSON.readTree(
                      "{\"sku\":\"A-1\",\"quantity\":2,\"price\":9.5,\"gift\":true,\"note\":null,"
                          + "\"tags\":[\"x\",\"y\"]}"))),
          "steps",
          Map.of("reserve", Map.of("output", CelJson.toCel(JSON.readTree("{\"id\":\"r-7\"}")))),
          "run",
          Map.of("id", "run-1"));

  private JsonNode evaluate(String templateJson) {
    List<Template.Problem> problems = new ArrayList<>();
    Template template = Template.compile(JSON.readTree(templateJson), compiler, "input", problems);
    assertThat(problems).isEmpty();
    return template.evaluate(variables);
  }

  @Test
  void wholeExpressionKeepsTheValueType() {
    JsonNode result =
        evaluate(
            "{\"q\":\"${request.body.quantity}\",\"p\":\"${request.body.price}\","
                + "\"g\":\"${request.body.gift}\",\"n\":\"${request.body.note}\","
                + "\"t\":\"${request.body.tags}\",\"m\":\"${ {'a': request.body.quantity + 1} }\"}");

    assertThat(result.toString())
        .isEqualTo("{\"q\":2,\"p\":9.5,\"g\":true,\"n\":null,\"t\":[\"x\",\"y\"],\"m\":{\"a\":3}}");
  }

  @Test
  void embeddedExpressionsAreInterpolatedAsText() {
    JsonNode result =
        evaluate(
            "[\"/orders/${steps.reserve.output.id}/items/${request.body.quantity}\", \"plain\"]");

    assertThat(result.toString()).isEqualTo("[\"/orders/r-7/items/2\",\"plain\"]");
  }

  @Test
  void missingFieldFailsWithTheExpressionAndItsPath() {
    List<Template.Problem> problems = new ArrayList<>();
    Template template =
        Template.compile(
            JSON.readTree("{\"body\":{\"items\":[\"${request.body.missing}\"]}}"),
            compiler,
            "input",
            problems);

    assertThatThrownBy(() -> template.evaluate(variables))
        .isInstanceOf(ExpressionEvaluationException.class)
        .hasMessageContaining("expression 'request.body.missing' at body.items[0] failed")
        .hasMessageContaining("missing");
  }

  @Test
  void expressionThatDoesNotCompileIsReportedAtItsPath() {
    List<Template.Problem> problems = new ArrayList<>();
    Template.compile(
        JSON.readTree("{\"a\":\"${request.body.(}\",\"b\":\"${nope.x}\",\"c\":\"${request\"}"),
        compiler,
        "steps[0].input",
        problems);

    assertThat(problems)
        .extracting(Template.Problem::path)
        .containsExactly("steps[0].input.a", "steps[0].input.b", "steps[0].input.c");
    assertThat(problems.get(1).message()).contains("undeclared reference to 'nope'");
    assertThat(problems.get(2).message()).contains("unterminated expression");
  }

  @Test
  void comprehensionsAreBoundedByTheIterationBudget() {
    Expression expensive =
        compiler.compile(
            "[1,2,3,4,5,6,7,8,9,10].map(x, [1,2,3,4,5,6,7,8,9,10].map(y, [1,2,3,4,5,6,7,8,9,10,11].map(z, z)))");

    assertThatThrownBy(() -> expensive.evaluate(variables))
        .isInstanceOf(ExpressionEvaluationException.class)
        .hasMessageContaining("budget");
  }

  @Test
  void referencedStepsAreFoundStatically() {
    Expression expression =
        compiler.compile("steps.reserve.output.id + string(size(steps.create.output)) + run.id");

    assertThat(expression.referencedSteps()).containsExactlyInAnyOrder("reserve", "create");
  }

  @Test
  void convertsCelValuesBackToJson() {
    assertThat(
            CelJson.toJson(compiler.compile("[1, 2.5, 'a', true, null]").evaluate(variables))
                .toString())
        .isEqualTo("[1,2.5,\"a\",true,null]");
  }
}
