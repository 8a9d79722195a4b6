package dev.junction.standalone.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The echo side of the floor: a plain consumer reads each request and a plain producer ({@code
 * linger.ms=0}) sends it back, same key and value, on the reply topic. Runs on its own thread, in
 * the benchmark's JVM or in a JVM of its own ({@code bench-echo}, like a service would).
 */
final class KafkaEcho implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final String replies;
  private final Thread thread;
  private volatile boolean running = true;

  /** Starts echoing; returns once the consumer is positioned, so no later request is missed. */
  KafkaEcho(String bootstrap, String requests, String replies) {
    this.replies = replies;
    this.producer = producer(bootstrap);
    this.consumer = consumerAtEnd(bootstrap, requests);
    this.thread = Thread.ofPlatform().name("bench-echo").start(this::echo);
  }

  private void echo() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          producer.send(new ProducerRecord<>(replies, record.key(), record.value()));
        }
      }
    } catch (WakeupException e) {
      // close() woke the loop up to stop it
    } finally {
      consumer.close();
    }
  }

  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.LINGER_MS_CONFIG,
            0,
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  static KafkaConsumer<String, byte[]> consumerAtEnd(String bootstrap, String topic) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                100,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    TopicPartition partition = new TopicPartition(topic, 0);
    consumer.assign(List.of(partition));
    consumer.seekToEnd(List.of(partition));
    consumer.position(partition);
    return consumer;
  }

  /** Blocks until the echo stops (for the {@code bench-echo} child process). */
  void join() throws InterruptedException {
    thread.join();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
    producer.close();
  }
}
