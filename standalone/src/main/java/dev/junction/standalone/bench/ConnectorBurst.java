package dev.junction.standalone.bench;

import dev.junction.contract.Topics;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The http-connector's throughput: a burst of commands put on its command topic at once, each a
 * call of the sample backend's {@code POST /orders} (answered at once), measured from the first
 * send to the last reply, with each command's send-to-reply latency. One connector instance, as the
 * embedded stack runs it.
 */
final class ConnectorBurst {

  /** The result of a burst. */
  record Result(int commands, double perSecond, double p50Ms, double p99Ms, long failed) {}

  private static final String REPLIES = "bench.connector.replies";
  private static final String INPUT =
      "{\"method\":\"POST\",\"path\":\"/orders\",\"body\":{\"customerId\":\"c-1\","
          + "\"reservationId\":\"res-bench\"}}";

  private final String bootstrap;
  private final String registryUrl;

  ConnectorBurst(String bootstrap, String registryUrl) {
    this.bootstrap = bootstrap;
    this.registryUrl = registryUrl;
  }

  /** Sends {@code commands} commands at once and waits for every reply. */
  Result run(int commands) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      if (!admin.listTopics().names().get().contains(REPLIES)) {
        admin.createTopics(List.of(new NewTopic(REPLIES, 1, (short) 1))).all().get();
      }
    }
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    long[] latencies = new long[commands];
    int received = 0;
    long failed = 0;
    String firstError = null;
    Map<String, Object> producerConfig = new HashMap<>(AvroSerdes.serializerConfig(registryUrl));
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    Map<String, Object> consumerConfig = new HashMap<>();
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-connector-" + UUID.randomUUID());
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    consumerConfig.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    try (KafkaProducer<String, InvokeConnector> producer =
            new KafkaProducer<>(
                producerConfig,
                new StringSerializer(),
                AvroSerdes.<InvokeConnector>serializer(registryUrl));
        KafkaConsumer<String, ConnectorReply> consumer =
            new KafkaConsumer<>(
                consumerConfig,
                new StringDeserializer(),
                AvroSerdes.deserializer(ConnectorReply.class, registryUrl))) {
      consumer.subscribe(List.of(REPLIES));
      while (consumer.assignment().isEmpty()) {
        consumer.poll(Duration.ofMillis(100));
      }
      consumer.seekToEnd(consumer.assignment());
      consumer.assignment().forEach(consumer::position);
      long started = System.nanoTime();
      for (int i = 0; i < commands; i++) {
        String runId = UUID.randomUUID().toString();
        InvokeConnector command =
            InvokeConnector.newBuilder()
                .setRunId(runId)
                .setStepId("bench")
                .setAttempt(1)
                .setIdempotencyKey(runId + ":bench:1")
                .setConnection("orders")
                .setOperation("request")
                .setInput(INPUT)
                .setReplyTopic(REPLIES)
                .build();
        sentAt.put(runId, System.nanoTime());
        producer.send(
            new ProducerRecord<>(Topics.connectorCommands("http-connector"), runId, command));
      }
      producer.flush();
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      long last = started;
      while (received < commands && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, ConnectorReply> record : consumer.poll(Duration.ofMillis(50))) {
          Long sent = sentAt.remove(record.value().getRunId());
          if (sent == null) {
            continue;
          }
          last = System.nanoTime();
          latencies[received++] = last - sent;
          if (record.value().getOutcome() != ConnectorOutcome.SUCCEEDED) {
            if (failed++ == 0) {
              firstError = record.value().getOutcome() + ": " + record.value().getError();
            }
          }
        }
      }
      if (failed > 0) {
        // a throughput of failures measures nothing
        throw new IllegalStateException(
            failed + " of " + commands + " commands did not succeed; the first: " + firstError);
      }
      if (received < commands) {
        throw new IllegalStateException(
            "only " + received + " of " + commands + " commands were answered within 5 minutes");
      }
      long[] sorted = Arrays.copyOf(latencies, received);
      Arrays.sort(sorted);
      double seconds = (last - started) / 1e9;
      return new Result(
          commands,
          commands / seconds,
          sorted[received / 2] / 1e6,
          sorted[(int) Math.min(received - 1, Math.ceil(received * 0.99) - 1)] / 1e6,
          failed);
    }
  }
}
