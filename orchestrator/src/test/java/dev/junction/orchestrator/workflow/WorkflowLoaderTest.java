package dev.junction.orchestrator.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.junction.orchestrator.TestWorkflows;
import org.junit.jupiter.api.Test;

class WorkflowLoaderTest {

  private final WorkflowLoader loader = TestWorkflows.loader();

  @Test
  void loadsTheSampleCreateOrderWorkflow() {
    WorkflowDefinition definition = TestWorkflows.createOrder();

    assertThat(definition.name()).isEqualTo("create-order");
    assertThat(definition.version()).isEqualTo("1");
    assertThat(definition.steps())
        .extracting(
            StepDefinition::id, step -> step.call().connector(), step -> step.call().connection())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("reserve", "http-connector", "inventory"),
            org.assertj.core.groups.Tuple.tuple("create", "http-connector", "orders"));
    assertThat(definition.response().status()).isEqualTo(201);
    assertThat(definition.response().headers()).containsOnlyKeys("X-Order-Id");
    assertThat(definition.failure())
        .isEqualTo(new FailureMapping(502, "The order could not be placed"));
    assertThat(definition.connectors()).containsExactly("http-connector");
  }

  @Test
  void reportsEveryProblemWithItsPath() {
    String yaml =
        """
        name: Bad_Name
        version: "1"
        colour: blue
        steps:
          - id: reserve
            connector: http-connector
            connection: inventory
            operation: request
            input:
              ref: ${steps.create.output.id}
              other: ${steps.nothing.output}
          - id: reserve
            connection: orders
            operation: request
            retries: 3
          - id: create
            connector: http-connector
            connection: orders
            operation: request
            input:
              bad: ${request.body.(}
        response:
          status: 201
          body:
            id: ${steps.ghost.output}
        failure:
          status: 200
        """;

    InvalidWorkflowException e =
        catchThrowableOfType(
            InvalidWorkflowException.class, () -> loader.parse("workflows/bad.yaml", yaml));

    assertThat(e.source()).isEqualTo("workflows/bad.yaml");
    assertThat(e.violations())
        .extracting(InvalidWorkflowException.Violation::toString)
        .anySatisfy(v -> assertThat(v).startsWith("name: 'Bad_Name' must match"))
        .anySatisfy(v -> assertThat(v).startsWith("colour: unknown field"))
        .anySatisfy(
            v ->
                assertThat(v)
                    .isEqualTo("steps[0].input: reads steps.create before step 'create' has run"))
        .anySatisfy(
            v ->
                assertThat(v)
                    .isEqualTo(
                        "steps[0].input: reads steps.nothing but there is no step 'nothing'"))
        .anySatisfy(v -> assertThat(v).isEqualTo("steps[1].id: duplicate step id 'reserve'"))
        .anySatisfy(v -> assertThat(v).isEqualTo("steps[1].connector: is required"))
        .anySatisfy(v -> assertThat(v).startsWith("steps[1].retries: unknown field"))
        .anySatisfy(
            v ->
                assertThat(v)
                    .startsWith("steps[2].input.bad: expression 'request.body.(' does not compile"))
        .anySatisfy(
            v ->
                assertThat(v)
                    .isEqualTo("response.body: reads steps.ghost but there is no step 'ghost'"))
        .anySatisfy(v -> assertThat(v).startsWith("failure.status: must be an HTTP status"));
    assertThat(e.getMessage())
        .startsWith("workflow definition workflows/bad.yaml is invalid:")
        .contains("\n  - steps[1].connector: is required");
  }

  @Test
  void refusesInvalidYamlWithItsLocation() {
    InvalidWorkflowException e =
        catchThrowableOfType(
            InvalidWorkflowException.class,
            () -> loader.parse("w.yaml", "name: a\nsteps: [\n  - id: x\n"));

    assertThat(e.violations())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.path()).isEqualTo("(document)");
              assertThat(v.problem()).startsWith("not valid YAML").contains("line");
            });
  }

  @Test
  void refusesDuplicateKeys() {
    InvalidWorkflowException e =
        catchThrowableOfType(
            InvalidWorkflowException.class,
            () -> loader.parse("w.yaml", "name: a\nname: b\nversion: 1\n"));

    assertThat(e.violations().getFirst().problem()).contains("Duplicate").contains("name");
  }

  @Test
  void refusesAnEmptyFile() {
    InvalidWorkflowException e =
        catchThrowableOfType(InvalidWorkflowException.class, () -> loader.parse("w.yaml", ""));

    assertThat(e.violations())
        .extracting(InvalidWorkflowException.Violation::problem)
        .containsExactly("the file is empty");
  }

  @Test
  void requiresStepsAndResponse() {
    InvalidWorkflowException e =
        catchThrowableOfType(
            InvalidWorkflowException.class, () -> loader.parse("w.yaml", "name: a\nversion: 1\n"));

    assertThat(e.violations())
        .extracting(InvalidWorkflowException.Violation::path)
        .containsExactly("steps", "response");
  }
}
