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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The caller side of the floor: a plain producer sends a 256-byte request, a plain consumer reads
 * the echo from the reply topic, and the reply is matched to the waiting call by key.
 */
final class RawKafkaRoundTrip implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaProducer<String, byte[]> requester;
  private final KafkaConsumer<String, byte[]> replyConsumer;
  private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
  private final String requests;
  private final Thread replyThread;
  private final byte[] payload = new byte[256];
  private volatile boolean running = true;

  RawKafkaRoundTrip(String bootstrap, String requests, String replies) {
    this.requests = requests;
    requester = KafkaEcho.producer(bootstrap);
    replyConsumer = KafkaEcho.consumerAtEnd(bootstrap, replies);
    replyThread = Thread.ofPlatform().name("bench-replies").start(this::readReplies);
  }

  /** Creates a request and a reply topic of one partition each. */
  static void createTopics(String bootstrap, String requests, String replies) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(new NewTopic(requests, 1, (short) 1), new NewTopic(replies, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** One round trip; blocks until the echo comes back. */
  void call() throws Exception {
    String id = UUID.randomUUID().toString();
    CompletableFuture<Void> reply = new CompletableFuture<>();
    pending.put(id, reply);
    try {
      requester.send(new ProducerRecord<>(requests, id, payload));
      reply.get(30, TimeUnit.SECONDS);
    } finally {
      pending.remove(id);
    }
  }

  private void readReplies() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : replyConsumer.poll(POLL)) {
          CompletableFuture<Void> waiting = pending.get(record.key());
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

  @Override
  public void close() throws InterruptedException {
    running = false;
    replyConsumer.wakeup();
    replyThread.join(10_000);
    requester.close();
  }
}
