package dev.junction.orchestrator.kafka;

import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.kafka.CloudEvents;
import dev.junction.orchestrator.run.RunCommands;
import dev.junction.wire.RunControl;
import dev.junction.wire.WorkflowRequested;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;

/** Sends the runs API's records (cancel, resubmit) and waits for the broker's ack. */
final class KafkaRunCommandSender implements RunCommands.Sender, AutoCloseable {

  private final Producer<String, SpecificRecord> producer;
  private final CloudEvents cloudEvents;
  private final String commandsTopic;
  private final String controlTopic;

  KafkaRunCommandSender(
      Producer<String, SpecificRecord> producer,
      CloudEvents cloudEvents,
      String commandsTopic,
      String controlTopic) {
    this.producer = producer;
    this.cloudEvents = cloudEvents;
    this.commandsTopic = commandsTopic;
    this.controlTopic = controlTopic;
  }

  @Override
  public void send(RunControl control) {
    Headers headers =
        cloudEvents.headers(
            UUID.randomUUID().toString(),
            CloudEventHeaders.Types.RUN_CONTROL,
            control.getRunId(),
            Instant.now());
    send(new ProducerRecord<>(controlTopic, null, control.getRunId(), control, headers));
  }

  @Override
  public void send(WorkflowRequested request) {
    Headers headers =
        cloudEvents.headers(
            request.getRunId(),
            CloudEventHeaders.Types.WORKFLOW_REQUESTED,
            request.getRunId(),
            Instant.now());
    send(new ProducerRecord<>(commandsTopic, null, request.getRunId(), request, headers));
  }

  @Override
  public String colocatedRunId(String runId) {
    int partitions = producer.partitionsFor(commandsTopic).size();
    int target = partitionOf(runId, partitions);
    while (true) {
      String candidate = UUID.randomUUID().toString();
      if (partitionOf(candidate, partitions) == target) {
        return candidate;
      }
    }
  }

  /** The partition the producer's default partitioner gives a key (murmur2 of its bytes). */
  static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private void send(ProducerRecord<String, SpecificRecord> record) {
    Acks.send(producer, record);
  }

  @Override
  public void close() {
    producer.close();
  }
}
