package dev.junction.orchestrator.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/** Sends a record and waits for the broker's acknowledgement, for sends off the request path. */
final class Acks {

  private static final long TIMEOUT_SECONDS = 10;

  private Acks() {}

  /**
   * @throws KafkaException when the broker does not acknowledge in time or refuses
   */
  static <K, V> void send(Producer<K, V> producer, ProducerRecord<K, V> record) {
    try {
      producer.send(record).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while sending to " + record.topic(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("could not send to " + record.topic() + ": " + e.getMessage(), e);
    }
  }
}
