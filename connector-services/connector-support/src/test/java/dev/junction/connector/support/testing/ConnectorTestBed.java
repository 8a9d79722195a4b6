package dev.junction.connector.support.testing;

import static org.awaitility.Awaitility.await;

import dev.junction.contract.Topics;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.KafkaAndRegistry;
import dev.junction.infra.KafkaBroker;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/**
 * What a connector's integration test stands on: a real KRaft broker and Apicurio Registry (child
 * processes), a reply topic standing in for the orchestrator's, a producer of commands (Avro and
 * raw bytes) and readers of the replies and dead letters. Shipped in connector-support's test-jar.
 */
public final class ConnectorTestBed implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * Awaitility's defaults wait 100 ms before the first check and between checks; each check here is
   * a consumer poll that returns as soon as a record arrives, so check at once and again.
   */
  private static final Duration CHECK_EVERY = Duration.ofMillis(1);

  private final String commandTopic;
  private final String replyTopic;
  private final KafkaBroker kafka;
  private final ApicurioRegistry registry;
  private final KafkaProducer<String, InvokeConnector> commands;
  private final KafkaProducer<String, byte[]> rawCommands;
  private final KafkaConsumer<String, ConnectorReply> replyConsumer;
  private final KafkaConsumer<String, byte[]> deadLetterConsumer;
  private final Map<String, List<ConsumerRecord<String, ConnectorReply>>> replies =
      new ConcurrentHashMap<>();
  private final List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();

  private ConnectorTestBed(
      String name, KafkaBroker kafka, ApicurioRegistry registry, String commandTopic) {
    this.kafka = kafka;
    this.registry = registry;
    this.commandTopic = commandTopic;
    this.replyTopic = name + ".replies";
    this.commands =
        new KafkaProducer<>(
            producerConfig(),
            new StringSerializer(),
            AvroSerdes.serializer(registry.registryUrl()));
    this.rawCommands =
        new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
    this.replyConsumer =
        new KafkaConsumer<>(
            consumerConfig(),
            new StringDeserializer(),
            AvroSerdes.deserializer(ConnectorReply.class, registry.registryUrl()));
    this.deadLetterConsumer =
        new KafkaConsumer<>(
            consumerConfig(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Starts the broker and the registry (in parallel: each takes seconds) and creates the reply
   * topic; topics are named after {@code name}, unique per test class.
   */
  public static ConnectorTestBed start(String name) throws Exception {
    KafkaAndRegistry infra = KafkaAndRegistry.startForTest(name);
    ConnectorTestBed bed =
        new ConnectorTestBed(name, infra.kafka(), infra.registry(), name + ".commands");
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka().bootstrapServers()))) {
      // the orchestrator owns the reply topic; here the test stands in for it
      admin
          .createTopics(List.of(new NewTopic(bed.replyTopic, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    return bed;
  }

  /** Arguments that point a connector application at this bed (its own settings come after). */
  public List<String> applicationArgs(String connectorName) {
    return List.of(
        "--server.port=0",
        "--spring.main.banner-mode=off",
        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--junction.registry.url=" + registry.registryUrl(),
        "--junction.kafka.partitions=2",
        "--junction." + connectorName + ".command-topic=" + commandTopic,
        "--junction." + connectorName + ".group-id=" + commandTopic + ".group");
  }

  /**
   * Starts reading replies and dead letters from the beginning; call once the connector runs (it
   * creates its dead-letter topic).
   */
  public void startReading() {
    assignFromStart(replyConsumer, replyTopic);
    assignFromStart(deadLetterConsumer, Topics.deadLetter(commandTopic));
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registry.registryUrl();
  }

  public String commandTopic() {
    return commandTopic;
  }

  public String replyTopic() {
    return replyTopic;
  }

  /** A command of attempt 1 of step {@code stepId}, answering to this bed's reply topic. */
  public InvokeConnector command(
      String runId, String stepId, String connection, String operation, String input) {
    return InvokeConnector.newBuilder()
        .setRunId(runId)
        .setStepId(stepId)
        .setAttempt(1)
        .setIdempotencyKey(runId + ":" + stepId + ":1")
        .setConnection(connection)
        .setOperation(operation)
        .setInput(input)
        .setReplyTopic(replyTopic)
        .setDeadline(null)
        .build();
  }

  /** Sends a command keyed by its run id, with a {@code traceparent} header when not null. */
  public void send(InvokeConnector command, String traceparent) throws Exception {
    ProducerRecord<String, InvokeConnector> record =
        new ProducerRecord<>(commandTopic, command.getRunId(), command);
    if (traceparent != null) {
      record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
    }
    commands.send(record).get(30, TimeUnit.SECONDS);
  }

  /** Sends a command without waiting for the broker (for load); the future completes on ack. */
  public java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sendAsync(
      InvokeConnector command) {
    return commands.send(new ProducerRecord<>(commandTopic, command.getRunId(), command));
  }

  /** Every reply received so far, by run id, after one more poll. */
  public Map<String, List<ConsumerRecord<String, ConnectorReply>>> pollAllReplies() {
    pollReplies();
    return replies;
  }

  /** Sends bytes that need not be a command at all. */
  public void sendRaw(String key, byte[] value) throws Exception {
    rawCommands.send(new ProducerRecord<>(commandTopic, key, value)).get(30, TimeUnit.SECONDS);
  }

  /** The first reply of run {@code runId}, waiting for it. */
  public ConsumerRecord<String, ConnectorReply> awaitReply(String runId) {
    return awaitReplies(runId, 1).getFirst();
  }

  /** At least {@code count} replies of run {@code runId}, waiting for them. */
  public List<ConsumerRecord<String, ConnectorReply>> awaitReplies(String runId, int count) {
    await()
        .atMost(WAIT)
        .pollDelay(Duration.ZERO)
        .pollInterval(CHECK_EVERY)
        .until(
            () -> {
              pollReplies();
              return replies.getOrDefault(runId, List.of()).size() >= count;
            });
    return List.copyOf(replies.get(runId));
  }

  private synchronized void pollReplies() {
    for (ConsumerRecord<String, ConnectorReply> record :
        replyConsumer.poll(Duration.ofMillis(200))) {
      replies.computeIfAbsent(record.value().getRunId(), id -> new ArrayList<>()).add(record);
    }
  }

  /** The first dead letter with key {@code key}, waiting for it. */
  public synchronized ConsumerRecord<String, byte[]> awaitDeadLetter(String key) {
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

  /** A header's value as UTF-8 text, or {@code null}. */
  public static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private Map<String, Object> producerConfig() {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG,
        0);
  }

  private Map<String, Object> consumerConfig() {
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

  /** Closes everything, also after a partial failure, then reports what could not be closed. */
  public static void closeAll(AutoCloseable... closeables) {
    IllegalStateException failure = new IllegalStateException("Could not stop everything");
    for (AutoCloseable closeable : closeables) {
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

  @Override
  public void close() {
    closeAll(replyConsumer, deadLetterConsumer, commands, rawCommands, registry, kafka);
  }
}
