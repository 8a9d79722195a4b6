package dev.junction.orchestrator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class KafkaRunCommandSenderTest {

  @Test
  void computesThePartitionTheProducerPicksForAKey() {
    for (int i = 0; i < 1_000; i++) {
      String key = UUID.randomUUID().toString();
      for (int partitions : new int[] {1, 4, 8, 12}) {
        assertThat(KafkaRunCommandSender.partitionOf(key, partitions))
            .isEqualTo(
                BuiltInPartitioner.partitionForKey(
                    key.getBytes(StandardCharsets.UTF_8), partitions));
      }
    }
  }
}
