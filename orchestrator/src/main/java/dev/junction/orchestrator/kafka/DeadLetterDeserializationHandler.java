package dev.junction.orchestrator.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.junction.contract.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an input record the orchestrator cannot read to {@code <topic>-dlt}, unchanged, with the
 * reason in headers (the names Spring Kafka's dead-letter recoverer uses, so every Junction
 * dead-letter topic reads alike), then lets the stream go on. Without it one poison record would
 * stop the stream thread, and every restart would stop on it again.
 *
 * <p>If the dead letter cannot be written, the stream stops instead: a record is never dropped.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

  static final String EXCEPTION_FQCN = "kafka_dlt-exception-fqcn";
  static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";
  static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
  static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
  static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
  private static final long SEND_TIMEOUT_SECONDS = 30;

  private Producer<byte[], byte[]> producer;

  @Override
  public void configure(Map<String, ?> configs) {
    Map<String, Object> config = new HashMap<>();
    config.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        configs.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    configs.forEach(
        (key, value) -> {
          if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
            config.put(key, value);
          }
        });
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "junction-orchestrator-dead-letters");
    producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public DeserializationHandlerResponse handle(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    String deadLetterTopic = Topics.deadLetter(record.topic());
    ProducerRecord<byte[], byte[]> deadLetter =
        new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(), record.headers());
    Headers headers = deadLetter.headers();
    headers.add(EXCEPTION_FQCN, exception.getClass().getName().getBytes(UTF_8));
    headers.add(EXCEPTION_MESSAGE, String.valueOf(exception.getMessage()).getBytes(UTF_8));
    headers.add(ORIGINAL_TOPIC, record.topic().getBytes(UTF_8));
    headers.add(ORIGINAL_PARTITION, Integer.toString(record.partition()).getBytes(UTF_8));
    headers.add(ORIGINAL_OFFSET, Long.toString(record.offset()).getBytes(UTF_8));
    try {
      producer.send(deadLetter).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.warn(
          "Unreadable record {}-{}@{} sent to {}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          deadLetterTopic,
          exception.toString());
      return DeserializationHandlerResponse.CONTINUE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(record, deadLetterTopic, e);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      return failed(record, deadLetterTopic, e);
    }
  }

  private static DeserializationHandlerResponse failed(
      ConsumerRecord<byte[], byte[]> record, String deadLetterTopic, Exception e) {
    log.error(
        "Unreadable record {}-{}@{} could not be sent to {}; stopping rather than dropping it",
        record.topic(),
        record.partition(),
        record.offset(),
        deadLetterTopic,
        e);
    return DeserializationHandlerResponse.FAIL;
  }
}
