package dev.junction.standalone.bench;

import java.time.Duration;
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
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The floor: a plain request-reply round trip over the same broker. An echo loop reads requests and
 * answers each on a reply topic; the caller matches replies by key. Every producer uses {@code
 * linger.ms=0}; 256-byte payloads.
 */
final class RawKafkaRoundTrip implements AutoCloseable {
  private static final String REQUESTS = "bench.floor.requests";
  private static final String REPLIES = "bench.floor.replies";
  private static final Duration POLL = Duration.ofMillis(100);

  private final String bootstrap;
  private final KafkaProducer<String, byte[]> requester;
  private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
  private final KafkaConsumer<String, byte[]> replyConsumer;
  private final KafkaConsumer<String, byte[]> echoConsumer;
  private final KafkaProducer<String, byte[]> echoProducer;
  private final Thread replyThread;
  private final Thread echoThread;
  private final byte[] payload = new byte[256];
  private volatile boolean running = true;

  RawKafkaRoundTrip(String bootstrap) throws Exception {
    this.bootstrap = bootstrap;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(new NewTopic(REQUESTS, 1, (short) 1), new NewTopic(REPLIES, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    requester = producer();
    echoProducer = producer();
    replyConsumer = consumerAtEnd(REPLIES);
    echoConsumer = consumerAtEnd(REQUESTS);
    replyThread = Thread.ofPlatform().name("bench-replies").start(this::readReplies);
    echoThread = Thread.ofPlatform().name("bench-echo").start(this::echo);
  }

  /** One round trip; blocks until the echo comes back. */
  void call() throws Exception {
    String id = UUID.randomUUID().toString();
    CompletableFuture<Void> reply = new CompletableFuture<>();
    pending.put(id, reply);
    requester.send(new ProducerRecord<>(REQUESTS, id, payload));
    reply.get(30, TimeUnit.SECONDS);
  }

  private void readReplies() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : replyConsumer.poll(POLL)) {
          CompletableFuture<Void> waiting = pending.remove(record.key());
          if (waiting != null) {
            waiting.complete(null);
          }
        }
      }
    } catch (WakeupException e) {
      // close() woke the loop up to stop it
    } finally {
      replyConsumer.close();
    }
  }

  private void echo() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : echoConsumer.poll(POLL)) {
          echoProducer.send(new ProducerRecord<>(REPLIES, record.key(), record.value()));
        }
      }
    } catch (WakeupException e) {
      // close() woke the loop up to stop it
    } finally {
      echoConsumer.close();
    }
  }

  private KafkaProducer<String, byte[]> producer() {
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

  private KafkaConsumer<String, byte[]> consumerAtEnd(String topic) {
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

  @Override
  public void close() throws InterruptedException {
    running = false;
    replyConsumer.wakeup();
    echoConsumer.wakeup();
    replyThread.join(10_000);
    echoThread.join(10_000);
    requester.close();
    echoProducer.close();
  }
}
