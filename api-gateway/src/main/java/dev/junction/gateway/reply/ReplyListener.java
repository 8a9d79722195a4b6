package dev.junction.gateway.reply;

import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.contract.schema.RegistryCredentials;
import dev.junction.wire.WorkflowReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Reads this instance's partition of the reply topic and completes pending requests by run id.
 *
 * <p>The partition is assigned by configuration ({@code junction.gateway.instance-index}), not by a
 * consumer group: a rebalance could hand the partition to another instance and strand the replies
 * its requests await. Reading starts at the end offset captured in {@link #start()}, before the web
 * server accepts requests, so no reply to one of this process's requests can precede the position.
 * A plain consumer on its own thread completes futures directly, one hop less than a listener
 * container.
 */
public final class ReplyListener implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ReplyListener.class);
  private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

  private final String topic;
  private final int partition;
  private final KafkaAdmin admin;
  private final PendingReplies pending;
  private final Consumer<String, WorkflowReply> consumer;
  private final KafkaClientMetrics clientMetrics;
  private final Counter unmatched;
  private final Counter unreadable;
  private final int phase;

  private volatile State state = State.STOPPED;
  private volatile String failure;
  private Thread thread;

  /** Lifecycle of the consumer, as the readiness check reports it. */
  public enum State {
    STOPPED,
    /** assigned and positioned at the end offset captured at start-up: replies are seen */
    POSITIONED,
    /** the consumer hit an error it cannot recover from; replies are no longer seen */
    FAILED
  }

  /**
   * @param topic the reply topic
   * @param partition this instance's partition of it
   * @param consumerProperties Boot's consumer settings ({@code spring.kafka.*})
   * @param registryUrl Apicurio v3 API URL
   * @param credentials OAuth2 client credentials for the registry, or {@code null}
   * @param admin used to check the partition exists before assigning it
   * @param phase lifecycle phase; before the web server's
   */
  public ReplyListener(
      String topic,
      int partition,
      Map<String, Object> consumerProperties,
      String registryUrl,
      RegistryCredentials credentials,
      KafkaAdmin admin,
      PendingReplies pending,
      MeterRegistry meters,
      int phase) {
    this.topic = topic;
    this.partition = partition;
    this.admin = admin;
    this.pending = pending;
    this.phase = phase;
    Map<String, Object> config = new HashMap<>(consumerProperties);
    // No group: manual assignment, nothing to commit (the position is always "end at start-up").
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "junction-gateway-replies-" + partition);
    this.consumer =
        new KafkaConsumer<>(
            config,
            new StringDeserializer(),
            AvroSerdes.deserializer(WorkflowReply.class, registryUrl, credentials));
    // the consumer's own metrics, among them records-lag of the reply partition
    this.clientMetrics = new KafkaClientMetrics(consumer);
    clientMetrics.bindTo(meters);
    this.unmatched =
        Counter.builder("junction.gateway.replies.unmatched")
            .description("Replies for runs no request of this instance awaits (late or foreign)")
            .register(meters);
    this.unreadable =
        Counter.builder("junction.gateway.replies.unreadable")
            .description("Reply records that could not be deserialized and were skipped")
            .register(meters);
  }

  @Override
  public void start() {
    TopicDescription description = admin.describeTopics(topic).get(topic);
    int partitions = description.partitions().size();
    if (partition >= partitions) {
      throw new IllegalStateException(
          "junction.gateway.instance-index=%d but topic %s has %d partitions (0..%d): give each gateway instance an index below the partition count, or create the topic with more partitions (junction.kafka.partitions)"
              .formatted(partition, topic, partitions, partitions - 1));
    }
    TopicPartition assigned = new TopicPartition(topic, partition);
    consumer.assign(List.of(assigned));
    long end = consumer.endOffsets(List.of(assigned)).get(assigned);
    consumer.seek(assigned, end);
    consumer.position(assigned);
    state = State.POSITIONED;
    log.info("Reading replies from {} at offset {}", assigned, end);
    thread = Thread.ofPlatform().name("junction-gateway-replies-" + partition).start(this::run);
  }

  private void run() {
    try {
      while (state == State.POSITIONED) {
        try {
          for (ConsumerRecord<String, WorkflowReply> record : consumer.poll(POLL_TIMEOUT)) {
            dispatch(record);
          }
        } catch (RecordDeserializationException e) {
          // A record we cannot read cannot be answered; skip it so the partition keeps flowing.
          unreadable.increment();
          log.warn(
              "Skipping unreadable reply at {}@{}: {}",
              e.topicPartition(),
              e.offset(),
              e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    } catch (WakeupException e) {
      if (state == State.POSITIONED) {
        fail(e);
      }
    } catch (KafkaException e) {
      fail(e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      clientMetrics.close();
    }
  }

  private void dispatch(ConsumerRecord<String, WorkflowReply> record) {
    String runId = record.value() == null ? record.key() : record.value().getRunId();
    if (record.value() != null && pending.complete(runId, record.value())) {
      log.debug(
          "run {}: reply {} at offset {}", runId, record.value().getStatus(), record.offset());
    } else {
      unmatched.increment();
      log.debug(
          "run {}: reply at offset {} matches no pending request; dropped", runId, record.offset());
    }
  }

  private void fail(Exception e) {
    state = State.FAILED;
    failure = e.toString();
    log.error(
        "Reply consumer of {}-{} stopped; requests will time out until restart",
        topic,
        partition,
        e);
  }

  @Override
  public void stop() {
    if (state == State.POSITIONED) {
      state = State.STOPPED;
    }
    if (thread != null) {
      consumer.wakeup();
      try {
        thread.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean isRunning() {
    return thread != null && thread.isAlive();
  }

  @Override
  public int getPhase() {
    return phase;
  }

  public State state() {
    return state;
  }

  /** Why the consumer failed, or null. */
  public String failure() {
    return failure;
  }
}
