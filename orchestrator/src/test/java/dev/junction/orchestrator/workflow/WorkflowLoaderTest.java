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
  void readsRetriesTimeoutsConditionsDelaysAndCompensations() {
    WorkflowDefinition trip = loader.parse("trip.yaml", TestWorkflows.TRIP);

    assertThat(trip.timeout()).isEqualTo(java.time.Duration.ofSeconds(60));
    StepDefinition flight = trip.step("flight");
    assertThat(flight.timeout()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(flight.retry().maxAttempts()).isEqualTo(3);
    assertThat(flight.retry().on())
        .containsExactlyInAnyOrder(
            RetryPolicy.RetryOn.RETRYABLE_ERROR, RetryPolicy.RetryOn.TIMEOUT);
    assertThat(flight.compensation().retry().maxAttempts()).isEqualTo(2);
    assertThat(flight.compensation().timeout()).isEqualTo(flight.timeout());
    assertThat(trip.step("hotel").when()).isNotNull();
    assertThat(trip.step("hotel").timeout()).isEqualTo(WorkflowLoader.DEFAULT_STEP_TIMEOUT);
    assertThat(trip.step("pause").isDelay()).isTrue();
    assertThat(trip.step("payment").retry()).isEqualTo(RetryPolicy.NONE);
  }

  @Test
  void reportsProblemsOfTheSagaFields() {
    String yaml =
        """
        name: saga
        version: "1"
        timeout: soon
        steps:
          - id: a
            when: request.body.x > 1
            connector: http-connector
            connection: c
            operation: request
            timeout: 5
            retry: {maxAttempts: 0, on: [SOMETIMES], jitter: 2}
            compensate:
              connector: http-connector
              connection: c
              operation: request
              input: {id: "${steps.b.output.id}"}
          - id: b
            delay: 1s
            connector: http-connector
            compensate: {connector: x}
        response:
          status: 200
        """;

    InvalidWorkflowException e =
        catchThrowableOfType(InvalidWorkflowException.class, () -> loader.parse("s.yaml", yaml));

    assertThat(e.violations())
        .extracting(InvalidWorkflowException.Violation::toString)
        .contains(
            "timeout: 'soon' is not a duration such as 500ms, 30s, 5m or PT30S",
            "steps[0].when: must be one ${...} expression giving true or false, or a literal"
                + " true/false",
            "steps[0].timeout: must be a duration such as 500ms, 30s, 5m or PT30S, was 5",
            "steps[0].retry.maxAttempts: is required: a whole number from 1 to 100",
            "steps[0].retry.jitter: must be a number from 0.0 to 1.0, was 2",
            "steps[0].compensate.input: reads steps.b before step 'b' has run",
            "steps[1].connector: a delay step calls no connector; remove connector",
            "steps[1].compensate: a delay step has nothing to undo")
        .anySatisfy(v -> assertThat(v).startsWith("steps[0].retry.on: 'SOMETIMES' is not one of"));
  }

  @Test
  void readsTriggersAndReportsBadOnes() {
    String good =
        """
        name: t
        version: "1"
        triggers:
          - schedule: {cron: "0 0 * * * *", zone: Europe/Oslo}
          - kafka: {topic: orders.placed}
        steps:
          - id: w
            delay: 1s
        response: {status: 204}
        """;
    assertThat(loader.parse("t.yaml", good).triggers())
        .hasSize(2)
        .last()
        .isEqualTo(new Trigger.KafkaTopic("orders.placed"));

    String bad =
        """
        name: t
        version: "1"
        triggers:
          - schedule: {cron: "every hour", zone: Mars/Olympus}
          - kafka: {topic: "no spaces allowed"}
          - webhook: {}
        steps:
          - id: w
            delay: 1s
        response: {status: 204}
        """;
    InvalidWorkflowException e =
        catchThrowableOfType(InvalidWorkflowException.class, () -> loader.parse("t.yaml", bad));
    assertThat(e.violations())
        .extracting(InvalidWorkflowException.Violation::toString)
        .anySatisfy(
            v -> assertThat(v).startsWith("triggers[0].schedule.cron: 'every hour' is not a cron"))
        .anySatisfy(
            v ->
                assertThat(v)
                    .isEqualTo(
                        "triggers[0].schedule.zone: 'Mars/Olympus' is not a time zone such as"
                            + " Europe/Oslo or UTC"))
        .anySatisfy(
            v ->
                assertThat(v)
                    .isEqualTo(
                        "triggers[1].kafka.topic: 'no spaces allowed' is not a Kafka topic name"))
        .anySatisfy(v -> assertThat(v).startsWith("triggers[2]: must be one of"));
  }

  @Test
  void reportsProblemsOfGroupSteps() {
    String yaml =
        """
        name: g
        version: "1"
        steps:
          - id: ship
            switch:
              - {id: fast, connector: c, connection: x, operation: o}
              - {id: fast, when: "${true}", connector: c, connection: x, operation: o}
          - id: both
            parallel:
              join: some
              branches:
                - {id: one, connector: c, connection: x, operation: o}
          - id: each
            forEach: items
            concurrency: 0
            connector: c
            connection: x
            operation: o
          - id: wait
            delay: 1s
            until: ${request.body.at}
        response: {status: 200}
        """;

    InvalidWorkflowException e =
        catchThrowableOfType(InvalidWorkflowException.class, () -> loader.parse("g.yaml", yaml));

    assertThat(e.violations())
        .extracting(InvalidWorkflowException.Violation::toString)
        .contains(
            "steps[0].switch[0].when: is required except on the last case (the default)",
            "steps[0].switch[1].id: duplicate case id 'fast'",
            "steps[1].parallel.join: 'some' must be all or first",
            "steps[1].parallel.branches: must be a list of at least two branches",
            "steps[2].forEach: must be one ${...} expression giving a list",
            "steps[2].concurrency: must be a whole number from 1 to 100",
            "steps[3].until: a step waits either a delay or until an instant, not both");
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
