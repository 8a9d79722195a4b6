package dev.junction.orchestrator.kafka;

import static dev.junction.orchestrator.TestWorkflows.T0;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.tracing.RecordingTracing;
import dev.junction.orchestrator.TestWorkflows;
import dev.junction.orchestrator.run.RunHandler;
import dev.junction.orchestrator.run.RunMetrics;
import dev.junction.orchestrator.run.WorkflowEngine;
import dev.junction.orchestrator.workflow.WorkflowCatalog;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunControl;
import dev.junction.wire.RunState;
import dev.junction.wire.RunStatus;
import dev.junction.wire.RunStatusChanged;
import dev.junction.wire.RunSummary;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunTopologyTest {

  private static final String RUN = "6f1c2a9e-0000-4000-8000-000000000001";

  private final RunSerdes serdes =
      new RunSerdes(
          PlainAvroSerde.of(WorkflowRequested.class),
          PlainAvroSerde.of(ConnectorReply.class),
          PlainAvroSerde.of(RunState.class),
          PlainAvroSerde.of(InvokeConnector.class),
          PlainAvroSerde.of(WorkflowReply.class),
          PlainAvroSerde.of(RunStatusChanged.class),
          PlainAvroSerde.of(RunControl.class),
          PlainAvroSerde.of(RunSummary.class));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final RecordingTracing tracing = new RecordingTracing();

  private TopologyTestDriver driver;
  private TestInputTopic<String, WorkflowRequested> commands;
  private TestInputTopic<String, ConnectorReply> replies;
  private TestOutputTopic<String, InvokeConnector> connectorCommands;
  private TestOutputTopic<String, WorkflowReply> gatewayReplies;
  private TestOutputTopic<String, RunStatusChanged> events;

  @BeforeEach
  void startDriver() {
    WorkflowCatalog catalog =
        new WorkflowCatalog(TestWorkflows.WORKFLOWS_DIR, TestWorkflows.loader());
    catalog.reload();
    RunHandler handler = new RunHandler(catalog, new WorkflowEngine("orchestrator.replies"));
    var topology =
        RunTopology.build(
            new RunTopology.Settings(
                "orchestrator.commands",
                "orchestrator.replies",
                "orchestrator.control",
                "orchestrator.runs.events",
                "junction/orchestrator",
                Duration.ofMillis(100),
                Duration.ofDays(7)),
            handler,
            serdes,
            Clock.fixed(T0, ZoneOffset.UTC),
            new RunMetrics(meters)::record,
            tracing.tracing());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "run-topology-test");
    driver = new TopologyTestDriver(topology, props);
    commands =
        driver.createInputTopic(
            "orchestrator.commands", Serdes.String().serializer(), serdes.requested().serializer());
    replies =
        driver.createInputTopic(
            "orchestrator.replies",
            Serdes.String().serializer(),
            serdes.connectorReply().serializer());
    connectorCommands =
        driver.createOutputTopic(
            "http-connector.commands",
            Serdes.String().deserializer(),
            serdes.command().deserializer());
    gatewayReplies =
        driver.createOutputTopic(
            "gateway.replies",
            Serdes.String().deserializer(),
            serdes.workflowReply().deserializer());
    events =
        driver.createOutputTopic(
            "orchestrator.runs.events",
            Serdes.String().deserializer(),
            serdes.event().deserializer());
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private static ConnectorReply succeeded(String step, String body) {
    return ConnectorReply.newBuilder()
        .setRunId(RUN)
        .setStepId(step)
        .setAttempt(1)
        .setOutcome(ConnectorOutcome.SUCCEEDED)
        .setOutput("{\"status\":201,\"headers\":{},\"body\":" + body + "}")
        .build();
  }

  /** The driver's topics have one partition. */
  private static WorkflowRequested request() {
    WorkflowRequested request = TestWorkflows.createOrderRequest(RUN);
    request.setReplyPartition(0);
    return request;
  }

  private static String header(Headers headers, String name) {
    return new String(headers.lastHeader(name).value(), UTF_8);
  }

  @Test
  void runsTheSampleWorkflowThroughTheStore() {
    commands.pipeInput(RUN, request());

    TestRecord<String, InvokeConnector> reserve = connectorCommands.readRecord();
    assertThat(reserve.key()).isEqualTo(RUN);
    assertThat(reserve.value().getStepId()).isEqualTo("reserve");
    assertThat(header(reserve.headers(), CloudEventHeaders.ID)).isEqualTo(RUN + ":reserve:1");
    assertThat(header(reserve.headers(), CloudEventHeaders.TYPE))
        .isEqualTo(CloudEventHeaders.Types.INVOKE_CONNECTOR);
    assertThat(header(reserve.headers(), CloudEventHeaders.SOURCE))
        .isEqualTo("junction/orchestrator");
    assertThat(header(reserve.headers(), CloudEventHeaders.TIME)).isEqualTo(T0.toString());
    assertThat(header(reserve.headers(), CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
    assertThat(header(reserve.headers(), CloudEventHeaders.CONTENT_TYPE))
        .isEqualTo("application/avro");
    assertThat(header(reserve.headers(), CloudEventHeaders.RUN_ID)).isEqualTo(RUN);
    assertThat(header(reserve.headers(), CloudEventHeaders.STEP_ID)).isEqualTo("reserve");
    assertThat(header(reserve.headers(), CloudEventHeaders.ATTEMPT)).isEqualTo("1");

    replies.pipeInput(RUN, succeeded("reserve", "{\"reservationId\":\"res-9\"}"));
    assertThat(connectorCommands.readValue().getStepId()).isEqualTo("create");

    replies.pipeInput(RUN, succeeded("create", "{\"orderId\":\"o-42\",\"status\":\"PLACED\"}"));

    TestRecord<String, WorkflowReply> reply = gatewayReplies.readRecord();
    assertThat(reply.key()).isEqualTo(RUN);
    assertThat(reply.value().getOutcome()).isEqualTo(WorkflowOutcome.SUCCEEDED);
    assertThat(reply.value().getStatus()).isEqualTo(201);
    assertThat(header(reply.headers(), CloudEventHeaders.TYPE))
        .isEqualTo(CloudEventHeaders.Types.WORKFLOW_REPLY);
    assertThat(connectorCommands.isEmpty()).isTrue();

    KeyValueStore<String, RunState> store = driver.getKeyValueStore(RunTopology.STORE);
    assertThat(store.get(RUN).getStatus()).isEqualTo(RunStatus.COMPLETED);
    assertThat(events.readValuesToList())
        .extracting(RunStatusChanged::getStatus)
        .containsExactly(
            RunStatus.RUNNING, RunStatus.RUNNING, RunStatus.RUNNING, RunStatus.COMPLETED);
    assertThat(meters.counter("junction.runs.started", "workflow", "create-order").count())
        .isEqualTo(1);
    assertThat(
            meters
                .counter(
                    "junction.runs.completed", "workflow", "create-order", "outcome", "completed")
                .count())
        .isEqualTo(1);
    assertThat(meters.find("junction.steps.duration").timers()).hasSize(2);
  }

  @Test
  void eachTransitionIsASpanOfTheTraceThatStartedItAndParentOfWhatItSends() {
    String gatewaySpan = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    commands.pipeInput(
        new TestRecord<>(
            RUN,
            request(),
            new RecordHeaders().add(CloudEventHeaders.TRACEPARENT, gatewaySpan.getBytes(UTF_8))));
    TestRecord<String, InvokeConnector> reserve = connectorCommands.readRecord();
    SpanData start = tracing.spans().getLast();
    String connectorSpan = "00-" + start.getTraceId() + "-b7ad6b7169203331-01";
    replies.pipeInput(
        new TestRecord<>(
            RUN,
            succeeded("reserve", "{\"reservationId\":\"res-9\"}"),
            new RecordHeaders().add(CloudEventHeaders.TRACEPARENT, connectorSpan.getBytes(UTF_8))));
    TestRecord<String, InvokeConnector> create = connectorCommands.readRecord();
    SpanData reply = tracing.spans().getLast();

    assertThat(start.getName()).isEqualTo("start run create-order");
    assertThat(start.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(start.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(start.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(header(reserve.headers(), CloudEventHeaders.TRACEPARENT))
        .isEqualTo("00-" + start.getTraceId() + "-" + start.getSpanId() + "-01");
    assertThat(reply.getName()).isEqualTo("step reply reserve");
    assertThat(reply.getTraceId()).isEqualTo(start.getTraceId());
    assertThat(reply.getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(header(create.headers(), CloudEventHeaders.TRACEPARENT))
        .isEqualTo("00-" + start.getTraceId() + "-" + reply.getSpanId() + "-01");
    assertThat(events.readRecordsToList())
        .allSatisfy(
            event ->
                assertThat(header(event.headers(), CloudEventHeaders.TRACEPARENT))
                    .contains(start.getTraceId()));
  }

  @Test
  void redeliveredRequestsAndRepliesProduceNothing() {
    commands.pipeInput(RUN, request());
    connectorCommands.readRecord();
    events.readValuesToList();

    commands.pipeInput(RUN, request());
    replies.pipeInput(RUN, succeeded("create", "{}"));

    assertThat(connectorCommands.isEmpty()).isTrue();
    assertThat(gatewayReplies.isEmpty()).isTrue();
    assertThat(events.isEmpty()).isTrue();
  }

  @Test
  void anUnknownWorkflowIsAnsweredAt500() {
    WorkflowRequested request = request();
    request.setWorkflow("no-such-workflow");

    commands.pipeInput(RUN, request);

    WorkflowReply reply = gatewayReplies.readValue();
    assertThat(reply.getStatus()).isEqualTo(500);
    assertThat(reply.getProblem().getType()).endsWith("/unknown-workflow");
    assertThat(meters.counter("junction.runs.started", "workflow", "(unknown)").count())
        .isEqualTo(1);
  }

  @Test
  void repliesGoToTheRequestersPartition() {
    var partitioner = RunTopology.replyPartition();
    var reply = new Outbound<WorkflowReply>("gateway.replies", 3, null);

    assertThat(partitioner.partitions("gateway.replies", RUN, reply, 8)).contains(Set.of(3));
    assertThat(partitioner.partitions("gateway.replies", RUN, reply, 2))
        .isEqualTo(Optional.empty());
  }
}
