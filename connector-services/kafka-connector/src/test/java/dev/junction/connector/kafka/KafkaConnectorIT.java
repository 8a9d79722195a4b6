package dev.junction.connector.kafka;

import static dev.junction.connector.support.testing.ConnectorTestBed.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.connector.support.testing.ConnectorTestBed;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connector as it runs: a real KRaft broker and Apicurio Registry (child processes), the Spring
 * Boot application, and consumers of the target topics reading what it published.
 */
class KafkaConnectorIT {

  private static final String JSON_TOPIC = "kafka-connector-it.events.json";
  private static final String AVRO_TOPIC = "kafka-connector-it.events.avro";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static ConnectorTestBed bed;
  private static ConfigurableApplicationContext app;
  private static KafkaConsumer<String, byte[]> jsonEvents;
  private static KafkaConsumer<String, Object> avroEvents;
  private static final List<ConsumerRecord<String, byte[]>> jsonSeen = new ArrayList<>();
  private static final List<ConsumerRecord<String, Object>> avroSeen = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    bed = ConnectorTestBed.start("kafka-connector-it");
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bed.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(JSON_TOPIC, 2, (short) 1), new NewTopic(AVRO_TOPIC, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Path schema = Path.of(KafkaConnectorIT.class.getResource("/OrderPlaced.avsc").toURI());
    List<String> args = new ArrayList<>(bed.applicationArgs("kafka-connector"));
    String events = "--junction.kafka-connector.connections.";
    args.add(events + "events.topic=" + JSON_TOPIC);
    args.add(events + "events.type=dev.junction.it.order-placed");
    args.add(events + "orders-avro.topic=" + AVRO_TOPIC);
    args.add(events + "orders-avro.format=avro");
    args.add(events + "orders-avro.schema-file=" + schema);
    app =
        new SpringApplicationBuilder(KafkaConnectorApplication.class)
            .run(args.toArray(String[]::new));
    bed.startReading();

    Map<String, Object> consumer =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bed.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    jsonEvents =
        new KafkaConsumer<>(consumer, new StringDeserializer(), new ByteArrayDeserializer());
    assignFromStart(jsonEvents, JSON_TOPIC);
    AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();
    deserializer.configure(Map.of(SerdeConfig.REGISTRY_URL, bed.registryUrl()), false);
    avroEvents = new KafkaConsumer<>(consumer, new StringDeserializer(), deserializer);
    assignFromStart(avroEvents, AVRO_TOPIC);
  }

  @AfterAll
  static void stop() {
    ConnectorTestBed.closeAll(jsonEvents, avroEvents, app, bed);
  }

  @Test
  void publishesJsonWithKeyHeadersAndCloudEventsAndAnswersWhereItLanded() throws Exception {
    InvokeConnector command =
        command(
            "events",
            "{\"key\":\"o-1\",\"headers\":{\"tenant\":\"t1\"},\"value\":{\"orderId\":\"o-1\"}}");
    bed.send(command, TRACEPARENT);

    ConnectorReply reply = bed.awaitReply(command.getRunId()).value();
    ConsumerRecord<String, byte[]> published = awaitJson(command.getIdempotencyKey());

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    var output = JSON.readTree(reply.getOutput());
    assertThat(output.get("topic").asString()).isEqualTo(JSON_TOPIC);
    assertThat(output.get("partition").asInt()).isEqualTo(published.partition());
    assertThat(output.get("offset").asLong()).isEqualTo(published.offset());
    assertThat(published.key()).isEqualTo("o-1");
    assertThat(new String(published.value(), StandardCharsets.UTF_8))
        .isEqualTo("{\"orderId\":\"o-1\"}");
    assertThat(header(published, "tenant")).isEqualTo("t1");
    assertThat(header(published, "ce_type")).isEqualTo("dev.junction.it.order-placed");
    assertThat(header(published, "ce_source")).isEqualTo("junction/kafka-connector");
    assertThat(header(published, "content-type")).isEqualTo("application/json");
    assertThat(header(published, "ce_runid")).isEqualTo(command.getRunId());
    // published in the connector's span, which continues the command's trace
    assertThat(header(published, "traceparent"))
        .startsWith(TRACEPARENT.substring(0, 36))
        .isNotEqualTo(TRACEPARENT)
        .isEqualTo(header(bed.awaitReply(command.getRunId()), "traceparent"));
  }

  @Test
  void publishesAvroWithTheConfiguredSchemaThroughTheRegistry() throws Exception {
    InvokeConnector command =
        command(
            "orders-avro",
            "{\"key\":\"o-2\",\"value\":{\"orderId\":\"o-2\",\"quantity\":3,"
                + "\"note\":{\"string\":\"gift\"}}}");
    bed.send(command, null);

    assertThat(bed.awaitReply(command.getRunId()).value().getOutcome())
        .isEqualTo(ConnectorOutcome.SUCCEEDED);
    ConsumerRecord<String, Object> published = awaitAvro(command.getIdempotencyKey());
    GenericRecord value = (GenericRecord) published.value();
    assertThat(value.getSchema().getFullName()).isEqualTo("dev.junction.it.OrderPlaced");
    assertThat(value.get("orderId").toString()).isEqualTo("o-2");
    assertThat(value.get("quantity")).isEqualTo(3);
    assertThat(value.get("note").toString()).isEqualTo("gift");
    assertThat(header(published, "content-type")).isEqualTo("application/avro");
  }

  @Test
  void aValueThatDoesNotMatchTheSchemaIsFatalAndNothingIsPublished() throws Exception {
    InvokeConnector command =
        command("orders-avro", "{\"value\":{\"orderId\":\"o-3\",\"quantity\":\"three\"}}");
    bed.send(command, null);

    ConnectorReply reply = bed.awaitReply(command.getRunId()).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(reply.getError())
        .startsWith("connection 'orders-avro': input.value does not match schema")
        .doesNotContain("three");
  }

  @Test
  void aRedeliveredCommandIsAnsweredAgainWithoutASecondRecord() throws Exception {
    InvokeConnector command = command("events", "{\"key\":\"o-4\",\"value\":{\"n\":4}}");

    bed.send(command, null);
    bed.send(command, null);
    var replies = bed.awaitReplies(command.getRunId(), 2);

    assertThat(replies.get(1).value().getOutput()).isEqualTo(replies.get(0).value().getOutput());
    awaitJson(command.getIdempotencyKey());
    // a later command's record proves the topic was read past where a duplicate would be
    InvokeConnector later = command("events", "{\"key\":\"o-4\",\"value\":{\"n\":5}}");
    bed.send(later, null);
    awaitJson(later.getIdempotencyKey());
    assertThat(jsonSeen)
        .filteredOn(record -> command.getIdempotencyKey().equals(header(record, "ce_id")))
        .hasSize(1);
  }

  @Test
  void refusesInputThatTriesToPickItsOwnTopicOrCloudEventsHeaders() throws Exception {
    InvokeConnector topic = command("events", "{\"topic\":\"elsewhere\",\"value\":1}");
    InvokeConnector ceId = command("events", "{\"headers\":{\"ce_id\":\"forged\"},\"value\":1}");
    bed.send(topic, null);
    bed.send(ceId, null);

    assertThat(bed.awaitReply(topic.getRunId()).value().getError())
        .isEqualTo(
            "connection 'events': input has an unknown field 'topic' (allowed: headers, key, value)");
    assertThat(bed.awaitReply(ceId.getRunId()).value().getOutcome())
        .isEqualTo(ConnectorOutcome.FATAL_ERROR);
  }

  @Test
  void deadLettersAnUnreadableCommandAndGoesOnWithTheNextOne() throws Exception {
    String runId = UUID.randomUUID().toString();
    byte[] garbage = "not a command".getBytes(StandardCharsets.UTF_8);
    bed.sendRaw(runId, garbage);
    InvokeConnector good =
        bed.command(runId, "emit", "events", "publish", "{\"value\":{\"after\":\"garbage\"}}");
    bed.send(good, null);

    ConsumerRecord<String, byte[]> deadLetter = bed.awaitDeadLetter(runId);
    assertThat(deadLetter.value()).isEqualTo(garbage);
    assertThat(header(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(bed.commandTopic());
    assertThat(bed.awaitReply(runId).value().getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
  }

  private static InvokeConnector command(String connection, String input) {
    return bed.command(UUID.randomUUID().toString(), "emit", connection, "publish", input);
  }

  private static ConsumerRecord<String, byte[]> awaitJson(String ceId) {
    return awaitPublished(jsonEvents, jsonSeen, ceId);
  }

  private static ConsumerRecord<String, Object> awaitAvro(String ceId) {
    return awaitPublished(avroEvents, avroSeen, ceId);
  }

  private static <V> ConsumerRecord<String, V> awaitPublished(
      KafkaConsumer<String, V> consumer, List<ConsumerRecord<String, V>> seen, String ceId) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
              return seen.stream().anyMatch(record -> ceId.equals(header(record, "ce_id")));
            });
    return seen.stream()
        .filter(record -> ceId.equals(header(record, "ce_id")))
        .findFirst()
        .orElseThrow();
  }

  private static void assignFromStart(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions =
        List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }
}
