package dev.junction.orchestrator.kafka;

import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.Topics;
import dev.junction.contract.kafka.CloudEvents;
import dev.junction.orchestrator.run.Triggered;
import dev.junction.orchestrator.workflow.WorkflowCatalog;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.WorkflowRequested;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts runs from records on Kafka topics named by workflow triggers ({@code kafka: {topic}}). A
 * record's value, Avro with a registered schema (Confluent wire format) or JSON text, becomes the
 * run's request body as JSON. The run id is derived from topic, partition and offset, so a record
 * delivered again starts no second run. A record that is neither goes to {@code <topic>-dlt} with
 * the reason in headers. Offsets are committed once the runs' requests are on the commands topic.
 */
final class KafkaTriggers implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(KafkaTriggers.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final byte AVRO_MAGIC = 0;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final WorkflowCatalog catalog;
  private final Supplier<Consumer<String, byte[]>> consumers;
  private final Deserializer<Object> avro;
  private final Producer<String, byte[]> producer;
  private final Serializer<WorkflowRequested> requests;
  private final java.util.function.Consumer<Set<String>> ensureTopics;
  private final String commandsTopic;
  private final CloudEvents cloudEvents;
  private final Clock clock;
  private volatile Thread thread;
  private volatile Consumer<String, byte[]> consumer;
  private volatile boolean running;

  KafkaTriggers(
      WorkflowCatalog catalog,
      Supplier<Consumer<String, byte[]>> consumers,
      Deserializer<Object> avro,
      Producer<String, byte[]> producer,
      Serializer<WorkflowRequested> requests,
      java.util.function.Consumer<Set<String>> ensureTopics,
      String commandsTopic,
      CloudEvents cloudEvents,
      Clock clock) {
    this.catalog = catalog;
    this.consumers = consumers;
    this.avro = avro;
    this.producer = producer;
    this.requests = requests;
    this.ensureTopics = ensureTopics;
    this.commandsTopic = commandsTopic;
    this.cloudEvents = cloudEvents;
    this.clock = clock;
  }

  @Override
  public synchronized void start() {
    running = true;
    thread = Thread.ofPlatform().name("kafka-triggers").daemon().start(this::loop);
  }

  /**
   * Reads until stopped. A failure (the broker refusing a send, a lost connection) closes the
   * consumer without committing, and a new one starts from the last committed offsets a second
   * later: a record is never skipped.
   */
  private void loop() {
    while (running) {
      try {
        consume();
      } catch (WakeupException e) {
        // stopping
      } catch (RuntimeException e) {
        log.error("Kafka triggers failed; starting again in 1 s: {}", e.getMessage(), e);
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void consume() throws InterruptedException {
    try (Consumer<String, byte[]> created = consumers.get()) {
      consumer = created;
      Set<String> subscribed = Set.of();
      while (running) {
        Map<String, List<WorkflowDefinition>> triggers = catalog.kafkaTriggers();
        if (!triggers.keySet().equals(subscribed)) {
          subscribed = Set.copyOf(triggers.keySet());
          if (subscribed.isEmpty()) {
            created.unsubscribe();
          } else {
            // where the records that start no run go
            ensureTopics.accept(
                subscribed.stream()
                    .map(Topics::deadLetter)
                    .collect(java.util.stream.Collectors.toSet()));
            created.subscribe(subscribed);
            log.info("Workflow triggers listen to topics {}", subscribed);
          }
        }
        if (subscribed.isEmpty()) {
          Thread.sleep(POLL.toMillis());
          continue;
        }
        ConsumerRecords<String, byte[]> records = created.poll(POLL);
        for (ConsumerRecord<String, byte[]> record : records) {
          start(record, triggers.getOrDefault(record.topic(), List.of()));
        }
        if (!records.isEmpty()) {
          created.commitSync();
        }
      }
    }
  }

  private void start(ConsumerRecord<String, byte[]> record, List<WorkflowDefinition> definitions) {
    String body;
    try {
      body = body(record);
    } catch (IllegalArgumentException e) {
      deadLetter(record, e.getMessage());
      return;
    }
    Instant now = clock.instant();
    for (WorkflowDefinition definition : definitions) {
      WorkflowRequested request =
          Triggered.request(
              definition,
              "kafka|" + record.topic() + "|" + record.partition() + "|" + record.offset(),
              "kafka:" + record.topic(),
              body,
              now);
      Headers headers =
          cloudEvents.headers(
              request.getRunId(),
              CloudEventHeaders.Types.WORKFLOW_REQUESTED,
              request.getRunId(),
              now);
      byte[] value = requests.serialize(commandsTopic, headers, request);
      send(new ProducerRecord<>(commandsTopic, null, request.getRunId(), value, headers));
    }
  }

  /** The value as JSON text: Avro (registered schema) converted, or JSON as it is. */
  private String body(ConsumerRecord<String, byte[]> record) {
    byte[] value = record.value();
    if (value == null || value.length == 0) {
      throw new IllegalArgumentException("the record has no value");
    }
    if (value[0] == AVRO_MAGIC && value.length > 5) {
      try {
        Object decoded = avro.deserialize(record.topic(), record.headers(), value);
        return GenericData.get().toString(decoded);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not readable as Avro: " + e.getMessage());
      }
    }
    String text = new String(value, StandardCharsets.UTF_8);
    try {
      JSON.readTree(text);
      return text;
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "neither Avro with a registered schema nor JSON: " + e.getOriginalMessage());
    }
  }

  private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    CloudEvents.add(headers, "kafka_dlt-original-topic", record.topic());
    CloudEvents.add(headers, "kafka_dlt-original-partition", Integer.toString(record.partition()));
    CloudEvents.add(headers, "kafka_dlt-original-offset", Long.toString(record.offset()));
    CloudEvents.add(headers, "kafka_dlt-exception-message", reason);
    log.warn(
        "Record {}-{}@{} starts no run: {}; sent to {}",
        record.topic(),
        record.partition(),
        record.offset(),
        reason,
        Topics.deadLetter(record.topic()));
    send(
        new ProducerRecord<>(
            Topics.deadLetter(record.topic()), null, record.key(), record.value(), headers));
  }

  /** Fails the loop when the broker refuses: nothing is committed, so the record comes again. */
  private void send(ProducerRecord<String, byte[]> record) {
    Acks.send(producer, record);
  }

  @Override
  public synchronized void stop() {
    running = false;
    Consumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    Thread current2 = thread;
    if (current2 != null) {
      try {
        current2.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    producer.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
