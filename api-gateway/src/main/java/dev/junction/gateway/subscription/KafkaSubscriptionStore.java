package dev.junction.gateway.subscription;

import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.contract.schema.RegistryCredentials;
import dev.junction.wire.SubscriptionState;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Subscriptions on a compacted Kafka topic, keyed by subscription id (a tombstone removes one).
 * Every gateway instance reads the whole topic into a {@link SubscriptionIndex} with a plain
 * consumer, manually assigned every partition from the beginning: no group, so no rebalance, and
 * each instance sees every subscription. Start-up waits until the end offsets captured at start are
 * read, so the gateway never serves requests with a partial view. A write is applied to the
 * instance's own index as soon as the broker acknowledged it; other instances read it within their
 * next poll (well under a second).
 *
 * <p>Writes are handed to the producer by a thread of their own, in the order they were asked for:
 * the producer's {@code send} can block while it has no metadata for the topic (the broker is
 * unreachable), and the callers are the web server's event loops, which also serve API traffic that
 * needs no Kafka. A write the broker does not confirm within {@link #WRITE_TIMEOUT} (10 s by
 * default) fails.
 */
public final class KafkaSubscriptionStore implements SubscriptionStore, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(KafkaSubscriptionStore.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  /** How long a write may take, unless the producer settings say otherwise. */
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

  private final String topic;
  private final Duration startupTimeout;
  private final int phase;
  private final SubscriptionIndex index = new SubscriptionIndex();
  private final KafkaConsumer<String, dev.junction.wire.Subscription> consumer;
  private final KafkaProducer<String, dev.junction.wire.Subscription> producer;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("junction-gateway-subscriptions-writer").daemon().factory());
  private volatile boolean running;
  private Thread thread;

  /**
   * @param consumerProperties Boot's consumer settings ({@code spring.kafka.*})
   * @param producerProperties Boot's producer settings
   * @param registryUrl Apicurio v3 API URL
   * @param credentials OAuth2 client credentials for the registry, or {@code null}
   * @param startupTimeout how long start-up waits to have read the topic
   * @param phase lifecycle phase; before the web server's
   */
  public KafkaSubscriptionStore(
      String topic,
      Map<String, Object> consumerProperties,
      Map<String, Object> producerProperties,
      String registryUrl,
      RegistryCredentials credentials,
      Duration startupTimeout,
      int phase) {
    this.topic = topic;
    this.startupTimeout = startupTimeout;
    this.phase = phase;
    Map<String, Object> consumerConfig = new HashMap<>(consumerProperties);
    consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "junction-gateway-subscriptions");
    this.consumer =
        new KafkaConsumer<>(
            consumerConfig,
            new StringDeserializer(),
            AvroSerdes.deserializer(
                dev.junction.wire.Subscription.class, registryUrl, credentials));
    Map<String, Object> producerConfig = new HashMap<>(producerProperties);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "junction-gateway-subscriptions-writer");
    // an operator's change is confirmed or refused within seconds, not after Kafka's 1-2 minutes
    int timeout = (int) WRITE_TIMEOUT.toMillis();
    producerConfig.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
    if (!producerConfig.containsKey(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)
        && !producerConfig.containsKey(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)) {
      // both or neither: Kafka refuses a delivery timeout shorter than the request timeout
      producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
      producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout);
    }
    this.producer =
        new KafkaProducer<>(
            producerConfig,
            new StringSerializer(),
            AvroSerdes.<dev.junction.wire.Subscription>serializer(registryUrl, credentials));
  }

  @Override
  public Optional<Subscription> byId(String id) {
    return index.byId(id);
  }

  @Override
  public Optional<Subscription> byKeyHash(String keyHash) {
    return index.byKeyHash(keyHash);
  }

  @Override
  public Collection<Subscription> all() {
    return index.all();
  }

  @Override
  public CompletableFuture<Void> put(Subscription subscription) {
    return send(subscription.id(), subscription);
  }

  @Override
  public CompletableFuture<Void> remove(String id) {
    return send(id, null);
  }

  private CompletableFuture<Void> send(String id, Subscription subscription) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    ProducerRecord<String, dev.junction.wire.Subscription> record =
        new ProducerRecord<>(topic, id, subscription == null ? null : toWire(subscription));
    try {
      writer.execute(
          () -> {
            try {
              producer.send(
                  record,
                  (metadata, error) -> {
                    if (error != null) {
                      done.completeExceptionally(error);
                    } else {
                      index.apply(id, subscription, metadata.offset());
                      done.complete(null);
                    }
                  });
            } catch (KafkaException e) {
              done.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(new IllegalStateException("the gateway is stopping", e));
    }
    return done;
  }

  @Override
  public void start() {
    List<PartitionInfo> partitions = consumer.partitionsFor(topic, startupTimeout);
    if (partitions == null || partitions.isEmpty()) {
      throw new IllegalStateException("Subscription topic " + topic + " does not exist");
    }
    List<TopicPartition> assigned =
        partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(assigned);
    consumer.seekToBeginning(assigned);
    Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, startupTimeout);
    running = true;
    thread =
        Thread.ofPlatform()
            .name("junction-gateway-subscriptions")
            .start(() -> run(new HashMap<>(ends)));
    try {
      if (!caughtUp.await(startupTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "Subscriptions not read from " + topic + " within " + startupTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading " + topic, e);
    }
    log.info("Subscriptions read from {}: {} subscription(s)", topic, index.all().size());
  }

  private void run(Map<TopicPartition, Long> ends) {
    try {
      while (running) {
        try {
          for (ConsumerRecord<String, dev.junction.wire.Subscription> record :
              consumer.poll(POLL_TIMEOUT)) {
            index.apply(
                record.key(),
                record.value() == null ? null : fromWire(record.value()),
                record.offset());
            log.debug("subscription {} changed at offset {}", record.key(), record.offset());
          }
        } catch (RecordDeserializationException e) {
          log.warn(
              "Skipping unreadable subscription record at {}@{}: {}",
              e.topicPartition(),
              e.offset(),
              e.getMessage());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
        if (caughtUp.getCount() > 0) {
          ends.entrySet().removeIf(end -> consumer.position(end.getKey()) >= end.getValue());
          if (ends.isEmpty()) {
            caughtUp.countDown();
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("Subscription reader of {} woken up unexpectedly; stopped", topic, e);
      }
    } catch (KafkaException e) {
      log.error(
          "Subscription reader of {} stopped; changes made elsewhere are no longer seen", topic, e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  @Override
  public void stop() {
    running = false;
    if (thread != null) {
      consumer.wakeup();
      try {
        thread.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
    writer.shutdown();
    producer.close(Duration.ofSeconds(5));
  }

  @Override
  public boolean isRunning() {
    return thread != null && thread.isAlive();
  }

  @Override
  public int getPhase() {
    return phase;
  }

  static dev.junction.wire.Subscription toWire(Subscription s) {
    return dev.junction.wire.Subscription.newBuilder()
        .setId(s.id())
        .setProduct(s.product())
        .setSubscriber(s.subscriber())
        .setDisplayName(s.displayName())
        .setKeyHash(s.keyHash())
        .setKeyPrefix(s.keyPrefix())
        .setState(SubscriptionState.valueOf(s.state().name()))
        .setCreatedAt(s.createdAt())
        .setUpdatedAt(s.updatedAt())
        .setUpdatedBy(s.updatedBy())
        .build();
  }

  static Subscription fromWire(dev.junction.wire.Subscription s) {
    Subscription.State state =
        switch (s.getState()) {
          case ACTIVE -> Subscription.State.ACTIVE;
          case PENDING -> Subscription.State.PENDING;
          // a state this version does not know is refused, like a suspension
          case SUSPENDED, UNKNOWN -> Subscription.State.SUSPENDED;
        };
    return new Subscription(
        s.getId(),
        s.getProduct(),
        s.getSubscriber(),
        s.getDisplayName(),
        s.getKeyHash(),
        s.getKeyPrefix(),
        state,
        s.getCreatedAt(),
        s.getUpdatedAt(),
        s.getUpdatedBy());
  }
}
