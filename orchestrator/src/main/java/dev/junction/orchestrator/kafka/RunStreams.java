package dev.junction.orchestrator.kafka;

import dev.junction.wire.RunState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsNotStartedException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the run topology as a Spring-managed lifecycle: creates the topics first (Kafka Streams does
 * not create source or sink topics), starts Kafka Streams, closes it on shutdown.
 */
public final class RunStreams implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RunStreams.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final Topology topology;
  private final Properties properties;
  private final Runnable prepareTopics;
  private final MeterRegistry meters;
  private volatile KafkaStreams streams;
  private KafkaStreamsMetrics clientMetrics;

  /**
   * @param prepareTopics creates and checks the topics; runs before Kafka Streams starts
   * @param meters where the Kafka clients' own metrics (consumer lag, fetch and produce rates,
   *     stream thread and task metrics) are bound while Kafka Streams runs
   */
  public RunStreams(
      Topology topology, Properties properties, Runnable prepareTopics, MeterRegistry meters) {
    this.topology = topology;
    this.properties = properties;
    this.prepareTopics = prepareTopics;
    this.meters = meters;
  }

  @Override
  public synchronized void start() {
    if (streams != null) {
      return;
    }
    prepareTopics.run();
    KafkaStreams created = new KafkaStreams(topology, properties);
    created.setStateListener(
        (next, previous) -> log.info("Kafka Streams state {} -> {}", previous, next));
    created.setUncaughtExceptionHandler(
        e -> {
          // a failed transition is a bug or a broken record; stopping keeps the run's state
          // consistent, and readiness goes DOWN so that a person looks
          log.error("Kafka Streams thread failed; stopping the orchestrator's processing", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    clientMetrics = new KafkaStreamsMetrics(created);
    clientMetrics.bindTo(meters);
    created.start();
    streams = created;
    log.info(
        "Started Kafka Streams application {}",
        properties.get(StreamsConfig.APPLICATION_ID_CONFIG));
  }

  @Override
  public synchronized void stop() {
    if (streams != null) {
      streams.close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT));
      streams = null;
      clientMetrics.close();
    }
  }

  @Override
  public boolean isRunning() {
    return streams != null;
  }

  /** The running Kafka Streams client, or {@code null} before start and after stop. */
  KafkaStreams kafkaStreams() {
    return streams;
  }

  /** Kafka Streams' state, or {@code NOT_RUNNING} before start and after stop. */
  public KafkaStreams.State state() {
    KafkaStreams current = streams;
    return current == null ? KafkaStreams.State.NOT_RUNNING : current.state();
  }

  /**
   * The local run store, for interactive queries.
   *
   * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not
   *     queryable (starting, rebalancing, restoring)
   */
  public ReadOnlyKeyValueStore<String, RunState> store() {
    KafkaStreams current = streams;
    if (current == null) {
      throw new StreamsNotStartedException("Kafka Streams is not started");
    }
    return current.store(
        StoreQueryParameters.fromNameAndType(
            RunTopology.STORE, QueryableStoreTypes.<String, RunState>keyValueStore()));
  }

  /**
   * Unfinished runs whose partitions this instance owns (the entries of its {@code runs-active}
   * stores), or {@code NaN} while they cannot be read (starting, rebalancing, restoring).
   */
  public double activeRuns() {
    KafkaStreams current = streams;
    if (current == null) {
      return Double.NaN;
    }
    try {
      ReadOnlyKeyValueStore<String, String> active =
          current.store(
              StoreQueryParameters.fromNameAndType(
                  RunTopology.ACTIVE_STORE, QueryableStoreTypes.<String, String>keyValueStore()));
      long count = 0;
      try (KeyValueIterator<String, String> entries = active.all()) {
        while (entries.hasNext()) {
          entries.next();
          count++;
        }
      }
      return count;
    } catch (InvalidStateStoreException e) {
      return Double.NaN;
    }
  }
}
