package dev.junction.orchestrator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.Topics;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.KafkaAndRegistry;
import dev.junction.infra.KafkaBroker;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The orchestrator against a real broker and a real Apicurio Registry: the test plays the gateway
 * and the http-connector by hand.
 */
class OrchestratorIT {

  private static final String GATEWAY_REPLIES = "orchestrator-it.gateway.replies";
  private static final String CONNECTOR_TOPIC = Topics.connectorCommands("http-connector");
  private static final int REPLY_PARTITION = 2;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static KafkaBroker kafka;
  private static ApicurioRegistry registry;
  private static ConfigurableApplicationContext app;
  private static KafkaProducer<String, SpecificRecord> producer;
  private static String baseUrl;

  @BeforeAll
  static void start() throws Exception {
    KafkaAndRegistry infra = KafkaAndRegistry.startForTest("orchestrator-it");
    kafka = infra.kafka();
    registry = infra.registry();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      // the gateway owns its reply topic; here the test plays the gateway
      admin
          .createTopics(List.of(new NewTopic(GATEWAY_REPLIES, 4, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Path stateDir = Files.createTempDirectory("orchestrator-it-state");
    app =
        new SpringApplicationBuilder(OrchestratorApplication.class)
            .run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--junction.registry.url=" + registry.registryUrl(),
                "--junction.kafka.partitions=4",
                "--junction.orchestrator.workflows-dir=" + TestWorkflows.WORKFLOWS_DIR,
                "--junction.orchestrator.state-dir=" + stateDir,
                "--junction.orchestrator.application-id=orchestrator-it");
    baseUrl = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    Map<String, Object> producerConfig =
        new HashMap<>(AvroSerdes.serializerConfig(registry.registryUrl()));
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producer =
        new KafkaProducer<>(
            producerConfig,
            new StringSerializer(),
            AvroSerdes.<SpecificRecord>serializer(registry.registryUrl()));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(get("/actuator/health/readiness").body()).contains("\"UP\""));
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (app != null) {
      app.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void runsTheSampleWorkflowAndRepliesOnTheRequestersPartition() throws Exception {
    String runId = UUID.randomUUID().toString();
    WorkflowRequested request = TestWorkflows.createOrderRequest(runId);
    request.setReplyTopic(GATEWAY_REPLIES);
    request.setReplyPartition(REPLY_PARTITION);

    try (KafkaConsumer<String, InvokeConnector> commands =
            consumer(AvroSerdes.deserializer(InvokeConnector.class, registry.registryUrl()));
        KafkaConsumer<String, WorkflowReply> replies =
            consumer(AvroSerdes.deserializer(WorkflowReply.class, registry.registryUrl()))) {
      commands.subscribe(List.of(CONNECTOR_TOPIC));
      replies.assign(List.of(new TopicPartition(GATEWAY_REPLIES, REPLY_PARTITION)));
      send(Topics.ORCHESTRATOR_COMMANDS, runId, request);

      ConsumerRecord<String, InvokeConnector> reserve = next(commands, runId);
      assertThat(reserve.value().getStepId()).isEqualTo("reserve");
      assertThat(header(reserve, CloudEventHeaders.ID)).isEqualTo(runId + ":reserve:1");
      answer(reserve.value(), "{\"reservationId\":\"res-1\"}");

      ConsumerRecord<String, InvokeConnector> create = next(commands, runId);
      assertThat(create.value().getStepId()).isEqualTo("create");
      assertThat(JSON.readTree(create.value().getInput()).at("/body/reservationId").asString())
          .isEqualTo("res-1");
      answer(create.value(), "{\"orderId\":\"o-1\",\"status\":\"PLACED\"}");

      ConsumerRecord<String, WorkflowReply> reply = next(replies, runId);
      assertThat(reply.partition()).isEqualTo(REPLY_PARTITION);
      assertThat(reply.value().getOutcome()).isEqualTo(WorkflowOutcome.SUCCEEDED);
      assertThat(reply.value().getStatus()).isEqualTo(201);
      assertThat(reply.value().getHeaders()).containsEntry("X-Order-Id", "o-1");
      assertThat(header(reply, CloudEventHeaders.RUN_ID)).isEqualTo(runId);
    }

    HttpResponse<String> run = get("/runs/" + runId);
    assertThat(run.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(run.body());
    assertThat(body.get("status").asString()).isEqualTo("COMPLETED");
    assertThat(body.get("steps")).hasSize(2);
    assertThat(body.at("/response/body/orderId").asString()).isEqualTo("o-1");
    assertThat(body.get("problem").isNull()).isTrue();
  }

  @Test
  void deadLettersAnUnreadableCommandAndGoesOn() throws Exception {
    byte[] garbage = "not avro at all".getBytes(UTF_8);
    String runId = UUID.randomUUID().toString();
    try (KafkaProducer<byte[], byte[]> raw =
            new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        KafkaConsumer<String, byte[]> deadLetters = consumer(new ByteArrayDeserializer());
        KafkaConsumer<String, InvokeConnector> commands =
            consumer(AvroSerdes.deserializer(InvokeConnector.class, registry.registryUrl()))) {
      deadLetters.subscribe(List.of(Topics.deadLetter(Topics.ORCHESTRATOR_COMMANDS)));
      commands.subscribe(List.of(CONNECTOR_TOPIC));
      raw.send(new ProducerRecord<>(Topics.ORCHESTRATOR_COMMANDS, runId.getBytes(UTF_8), garbage))
          .get(30, TimeUnit.SECONDS);

      ConsumerRecord<String, byte[]> deadLetter = next(deadLetters, runId);
      assertThat(deadLetter.value()).isEqualTo(garbage);
      assertThat(header(deadLetter, "kafka_dlt-original-topic"))
          .isEqualTo(Topics.ORCHESTRATOR_COMMANDS);
      assertThat(header(deadLetter, "kafka_dlt-exception-message")).isNotBlank();

      // the stream goes on: a readable command for the same run id key is processed
      WorkflowRequested request = TestWorkflows.createOrderRequest(runId);
      request.setReplyTopic(GATEWAY_REPLIES);
      send(Topics.ORCHESTRATOR_COMMANDS, runId, request);
      assertThat(next(commands, runId).value().getStepId()).isEqualTo("reserve");
    }
  }

  @Test
  void unknownRunIsA404Problem() throws Exception {
    HttpResponse<String> response = get("/runs/" + UUID.randomUUID());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(JSON.readTree(response.body()).get("type").asString())
        .isEqualTo("https://junction.dev/problems/run-not-found");
  }

  private static void answer(InvokeConnector command, String body) throws Exception {
    ConnectorReply reply =
        ConnectorReply.newBuilder()
            .setRunId(command.getRunId())
            .setStepId(command.getStepId())
            .setAttempt(command.getAttempt())
            .setOutcome(ConnectorOutcome.SUCCEEDED)
            .setOutput("{\"status\":201,\"headers\":{},\"body\":" + body + "}")
            .build();
    send(command.getReplyTopic(), command.getRunId(), reply);
  }

  private static void send(String topic, String key, SpecificRecord value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
  }

  private static <V> KafkaConsumer<String, V> consumer(Deserializer<V> values) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "orchestrator-it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest"),
        new StringDeserializer(),
        values);
  }

  /** The next record of a run, skipping other runs' records. */
  private static <V> ConsumerRecord<String, V> next(
      KafkaConsumer<String, V> consumer, String runId) {
    List<ConsumerRecord<String, V>> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              consumer
                  .poll(Duration.ofMillis(100))
                  .forEach(
                      r -> {
                        if (runId.equals(r.key())) {
                          found.add(r);
                        }
                      });
              return !found.isEmpty();
            });
    return found.getFirst();
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    return new String(record.headers().lastHeader(name).value(), UTF_8);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(baseUrl + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
