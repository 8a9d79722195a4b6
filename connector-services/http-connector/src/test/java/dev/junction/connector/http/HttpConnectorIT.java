package dev.junction.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.connector.http.testing.TestBackend;
import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.Topics;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.KafkaBroker;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connector as it runs: a real KRaft broker and Apicurio Registry (child processes), the Spring
 * Boot application, and a real HTTP backend.
 */
class HttpConnectorIT {

  private static final String COMMAND_TOPIC = "http-connector-it.commands";
  private static final String REPLY_TOPIC = "http-connector-it.replies";
  private static final String GROUP = "http-connector-it";
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static KafkaBroker kafka;
  private static ApicurioRegistry registry;
  private static TestBackend backend;
  private static ConfigurableApplicationContext app;
  private static KafkaProducer<String, InvokeConnector> commands;
  private static KafkaProducer<String, byte[]> rawCommands;
  private static KafkaConsumer<String, ConnectorReply> replyConsumer;
  private static KafkaConsumer<String, byte[]> deadLetterConsumer;
  private static final Map<String, ConsumerRecord<String, ConnectorReply>> replies =
      new ConcurrentHashMap<>();
  private static final List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    // The two servers start in parallel: each takes seconds.
    CompletableFuture<ApicurioRegistry> registryStart =
        CompletableFuture.supplyAsync(
            () -> ApicurioRegistry.start(ApicurioRegistry.Settings.forTest("http-connector-it")));
    kafka = KafkaBroker.start(KafkaBroker.Settings.forTest("http-connector-it"));
    registry = registryStart.get(120, TimeUnit.SECONDS);

    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      // the orchestrator owns the reply topic; here the test stands in for it
      admin
          .createTopics(List.of(new NewTopic(REPLY_TOPIC, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }

    backend = TestBackend.start();
    backend
        .on("/api/stock", 200, "application/json", "{\"sku\":\"A-1\",\"available\":7}")
        .on("/api/broken", 500, "text/plain", "stack trace with secrets")
        // under the connector's 1 MiB limit, but twice that once JSON-escaped into the reply
        .on("/api/quotes", 200, "text/plain", "\"".repeat(600_000));

    app =
        new SpringApplicationBuilder(HttpConnectorApplication.class)
            .run(
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--junction.registry.url=" + registry.registryUrl(),
                "--junction.kafka.partitions=2",
                "--junction.http-connector.command-topic=" + COMMAND_TOPIC,
                "--junction.http-connector.group-id=" + GROUP,
                "--junction.http-connector.connections.backend.base-url=" + backend.url() + "/api",
                "--junction.http-connector.connections.backend.timeout=5s");

    commands =
        new KafkaProducer<>(
            producerConfig(),
            new StringSerializer(),
            AvroSerdes.serializer(registry.registryUrl()));
    rawCommands =
        new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
    replyConsumer =
        new KafkaConsumer<>(
            consumerConfig(),
            new StringDeserializer(),
            AvroSerdes.deserializer(ConnectorReply.class, registry.registryUrl()));
    assignFromStart(replyConsumer, REPLY_TOPIC);
    deadLetterConsumer =
        new KafkaConsumer<>(
            consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
    assignFromStart(deadLetterConsumer, Topics.deadLetter(COMMAND_TOPIC));
  }

  @AfterAll
  static void stop() {
    IllegalStateException failure = new IllegalStateException("Could not stop everything");
    for (AutoCloseable closeable :
        new AutoCloseable[] {
          replyConsumer, deadLetterConsumer, commands, rawCommands, app, backend, registry, kafka
        }) {
      if (closeable != null) {
        try {
          closeable.close();
        } catch (Exception e) {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  @Test
  void answersSucceededWithTheBackendsResponseAndCloudEventsHeaders() throws Exception {
    String runId = send("{\"method\":\"GET\",\"path\":\"/stock\",\"query\":{\"sku\":\"A-1\"}}");

    ConsumerRecord<String, ConnectorReply> record = awaitReply(runId);
    ConnectorReply reply = record.value();

    assertThat(record.key()).isEqualTo(runId);
    assertThat(reply.getRunId()).isEqualTo(runId);
    assertThat(reply.getStepId()).isEqualTo("reserve");
    assertThat(reply.getAttempt()).isEqualTo(1);
    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    assertThat(reply.getError()).isNull();
    JsonNode output = JSON.readTree(reply.getOutput());
    assertThat(output.get("status").asInt()).isEqualTo(200);
    assertThat(output.get("body").get("available").asInt()).isEqualTo(7);

    assertThat(header(record, CloudEventHeaders.TYPE))
        .isEqualTo(CloudEventHeaders.Types.CONNECTOR_REPLY);
    assertThat(header(record, CloudEventHeaders.SOURCE)).isEqualTo("junction/http-connector");
    assertThat(header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
    assertThat(header(record, CloudEventHeaders.CONTENT_TYPE)).isEqualTo("application/avro");
    assertThat(header(record, CloudEventHeaders.RUN_ID)).isEqualTo(runId);
    assertThat(header(record, CloudEventHeaders.STEP_ID)).isEqualTo("reserve");
    assertThat(header(record, CloudEventHeaders.ATTEMPT)).isEqualTo("1");
    assertThat(UUID.fromString(header(record, CloudEventHeaders.ID))).isNotNull();
    assertThat(header(record, CloudEventHeaders.TIME)).isNotBlank();
    assertThat(header(record, "traceparent")).isEqualTo(TRACEPARENT);

    assertThat(backend.received("/api/stock").getLast().header("Idempotency-Key"))
        .isEqualTo(runId + ":reserve:1");
  }

  @Test
  void answersFailedWhenTheBackendSaysNotFound() throws Exception {
    String runId = send("{\"method\":\"GET\",\"path\":\"/nothing-here\"}");

    ConnectorReply reply = awaitReply(runId).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FAILED);
    assertThat(reply.getError()).isEqualTo("connection 'backend': GET /nothing-here answered 404");
    assertThat(JSON.readTree(reply.getOutput()).get("status").asInt()).isEqualTo(404);
  }

  @Test
  void answersRetryableErrorWhenTheBackendFails() throws Exception {
    String runId = send("{\"method\":\"POST\",\"path\":\"/broken\",\"body\":{\"a\":1}}");

    ConnectorReply reply = awaitReply(runId).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
    assertThat(reply.getError()).contains("500").doesNotContain("secrets");
  }

  @Test
  void answersFatalErrorForAnUnknownConnection() throws Exception {
    String runId = UUID.randomUUID().toString();
    commands
        .send(
            new ProducerRecord<>(
                COMMAND_TOPIC, runId, command(runId, "billing", "{\"method\":\"GET\"}")))
        .get(30, TimeUnit.SECONDS);

    ConnectorReply reply = awaitReply(runId).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(reply.getError()).isEqualTo("unknown connection 'billing'");
  }

  @Test
  void answersFatalErrorWhenTheResponseDoesNotFitIntoAReplyRecord() throws Exception {
    String runId = send("{\"method\":\"GET\",\"path\":\"/quotes\"}");

    ConnectorReply reply = awaitReply(runId).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(reply.getOutput()).isNull();
    assertThat(reply.getError()).contains("backend", "too large for the reply topic");
  }

  @Test
  void deadLettersUnreadableBytesAndGoesOnWithTheNextCommand() throws Exception {
    String runId = UUID.randomUUID().toString();
    byte[] garbage = "this is not an Avro record".getBytes(StandardCharsets.UTF_8);
    // same key, so same partition: the good command queues behind the garbage
    rawCommands.send(new ProducerRecord<>(COMMAND_TOPIC, runId, garbage)).get(30, TimeUnit.SECONDS);
    commands
        .send(
            new ProducerRecord<>(
                COMMAND_TOPIC,
                runId,
                command(runId, "backend", "{\"method\":\"GET\",\"path\":\"/stock\"}")))
        .get(30, TimeUnit.SECONDS);

    ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter(runId);
    assertThat(deadLetter.value()).isEqualTo(garbage);
    assertThat(header(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(COMMAND_TOPIC);
    assertThat(header(deadLetter, KafkaHeaders.DLT_EXCEPTION_FQCN))
        .isEqualTo("org.springframework.kafka.support.serializer.DeserializationException");
    assertThat(header(deadLetter, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isNotBlank();
    assertThat(deadLetter.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();

    assertThat(awaitReply(runId).value().getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
  }

  @Test
  void exposesCallMetricsAndProbes() throws Exception {
    String runId = send("{\"method\":\"GET\",\"path\":\"/stock\"}");
    awaitReply(runId);
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");

    HttpResponse<String> readiness =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("junction_connector_calls_total{connection=\"backend\",outcome=\"SUCCEEDED\"")
        .contains("junction_connector_duration_seconds_count{connection=\"backend\"");
  }

  private static String send(String input) throws Exception {
    String runId = UUID.randomUUID().toString();
    ProducerRecord<String, InvokeConnector> record =
        new ProducerRecord<>(COMMAND_TOPIC, runId, command(runId, "backend", input));
    record.headers().add("traceparent", TRACEPARENT.getBytes(StandardCharsets.UTF_8));
    commands.send(record).get(30, TimeUnit.SECONDS);
    return runId;
  }

  private static InvokeConnector command(String runId, String connection, String input) {
    return InvokeConnector.newBuilder()
        .setRunId(runId)
        .setStepId("reserve")
        .setAttempt(1)
        .setIdempotencyKey(runId + ":reserve:1")
        .setConnection(connection)
        .setOperation("request")
        .setInput(input)
        .setReplyTopic(REPLY_TOPIC)
        .setDeadline(null)
        .build();
  }

  private static ConsumerRecord<String, ConnectorReply> awaitReply(String runId) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              for (ConsumerRecord<String, ConnectorReply> record :
                  replyConsumer.poll(Duration.ofMillis(200))) {
                replies.put(record.value().getRunId(), record);
              }
              return replies.containsKey(runId);
            });
    return replies.get(runId);
  }

  private static ConsumerRecord<String, byte[]> awaitDeadLetter(String key) {
    await()
        .atMost(WAIT)
        .until(
            () -> {
              deadLetterConsumer.poll(Duration.ofMillis(200)).forEach(deadLetters::add);
              return deadLetters.stream().anyMatch(record -> key.equals(record.key()));
            });
    return deadLetters.stream()
        .filter(record -> key.equals(record.key()))
        .findFirst()
        .orElseThrow();
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static Map<String, Object> producerConfig() {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG,
        0);
  }

  private static Map<String, Object> consumerConfig() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
        false);
  }

  private static void assignFromStart(KafkaConsumer<?, ?> consumer, String topic) {
    // the topic may still be being created by the connector: wait until its partitions are known
    List<TopicPartition> partitions =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList(),
                list -> !list.isEmpty());
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }
}
