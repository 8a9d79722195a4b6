package dev.junction.orchestrator.kafka;

import dev.junction.orchestrator.workflow.WorkflowCatalog;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.WorkflowDefinitionVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every workflow definition version the orchestrator loads on a compacted topic, and reads
 * them all back at start. So a run pinned to a version finishes on that version even after its file
 * changed and the orchestrator restarted, or moved to another instance that never saw the file.
 */
final class KafkaDefinitionArchive implements WorkflowCatalog.Archive, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaDefinitionArchive.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private final String topic;
  private final Producer<String, WorkflowDefinitionVersion> producer;
  private final java.util.function.Supplier<Consumer<String, WorkflowDefinitionVersion>> consumers;
  private final Clock clock;

  KafkaDefinitionArchive(
      String topic,
      Producer<String, WorkflowDefinitionVersion> producer,
      java.util.function.Supplier<Consumer<String, WorkflowDefinitionVersion>> consumers,
      Clock clock) {
    this.topic = topic;
    this.producer = producer;
    this.consumers = consumers;
    this.clock = clock;
  }

  @Override
  public void keep(WorkflowDefinition definition, String text) {
    WorkflowDefinitionVersion version =
        WorkflowDefinitionVersion.newBuilder()
            .setName(definition.name())
            .setVersion(definition.version())
            .setSource(definition.source() == null ? "" : definition.source())
            .setText(text)
            .setLoadedAt(clock.instant())
            .build();
    Acks.send(producer, new ProducerRecord<>(topic, definition.label(), version));
  }

  /** Reads the whole topic and restores each version into the catalog. */
  void restoreInto(WorkflowCatalog catalog) {
    try (Consumer<String, WorkflowDefinitionVersion> consumer = consumers.get()) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Instant giveUp = clock.instant().plus(READ_TIMEOUT);
      int restored = 0;
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (clock.instant().isAfter(giveUp)) {
          throw new KafkaException("timed out reading the definition archive " + topic);
        }
        for (ConsumerRecord<String, WorkflowDefinitionVersion> record :
            consumer.poll(Duration.ofMillis(200))) {
          WorkflowDefinitionVersion version = record.value();
          if (version != null
              && catalog.restore("archived " + version.getSource(), version.getText())) {
            restored++;
          }
        }
      }
      log.info("Restored {} workflow definition versions from {}", restored, topic);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
