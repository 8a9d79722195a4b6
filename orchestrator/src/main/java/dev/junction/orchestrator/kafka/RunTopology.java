package dev.junction.orchestrator.kafka;

import dev.junction.contract.kafka.CloudEvents;
import dev.junction.contract.tracing.KafkaTracing;
import dev.junction.orchestrator.run.RunHandler;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunState;
import dev.junction.wire.WorkflowReply;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's Kafka Streams topology (Processor API).
 *
 * <pre>
 * orchestrator.commands (WorkflowRequested) ─┐
 * orchestrator.replies  (ConnectorReply)  ───┼─▶ runs processor ◀─▶ stores "runs", "run-timers",
 * orchestrator.control  (RunControl)      ───┘        │              "runs-active", "run-index"
 *                          timers (wall-clock punctuation) ┘
 *       ├─▶ &lt;connector&gt;.commands (InvokeConnector; topic from the step)
 *       ├─▶ request.replyTopic[request.replyPartition] (WorkflowReply)
 *       └─▶ orchestrator.runs.events (RunStatusChanged)
 * </pre>
 *
 * All sources are keyed by run id and co-partitioned, so one task owns a run's requests, replies,
 * control commands, timers and state. Every store has a changelog, so a task moved to another
 * instance (or restored after a crash) has its runs, timers and history index back.
 */
public final class RunTopology {

  /** Name of the run state store; its changelog is {@code <application-id>-runs-changelog}. */
  public static final String STORE = "runs";

  /**
   * Timers due (retry backoff, delays, timeouts, deadlines), keyed by due time first; in memory,
   * rebuilt from the runs at task start.
   */
  public static final String TIMERS_STORE = "run-timers";

  /** Ids of the runs that have not ended, for resuming them after a restart. */
  public static final String ACTIVE_STORE = "runs-active";

  /** The run history index: {@code RunSummary} by start time and run id. */
  public static final String INDEX_STORE = "run-index";

  static final String COMMANDS_SOURCE = "workflow-requests";
  static final String REPLIES_SOURCE = "connector-replies";
  static final String CONTROL_SOURCE = "run-control";
  static final String PROCESSOR = "runs";
  static final String COMMANDS_SINK = "connector-commands";
  static final String REPLIES_SINK = "workflow-replies";
  static final String EVENTS_SINK = "run-events";
  static final String TRIGGERED_SINK = "triggered-requests";

  private static final Logger log = LoggerFactory.getLogger(RunTopology.class);

  /**
   * The topics of the topology and the {@code ce_source} of what it produces.
   *
   * @param commandsTopic where {@code WorkflowRequested} arrives
   * @param repliesTopic where connectors' {@code ConnectorReply} arrives
   * @param controlTopic where {@code RunControl} (cancel) arrives
   * @param eventsTopic where {@code RunStatusChanged} goes
   * @param source CloudEvents source of produced records
   * @param timerInterval how often due timers are looked for (wall-clock punctuation)
   * @param retention how long an ended run stays in the history
   */
  public record Settings(
      String commandsTopic,
      String repliesTopic,
      String controlTopic,
      String eventsTopic,
      String source,
      Duration timerInterval,
      Duration retention) {}

  private RunTopology() {}

  /**
   * Builds the topology.
   *
   * @param onStored called with the previous state (or null) and the new one after each stored
   *     transition, e.g. for metrics
   * @param tracing a span per record processed, continuing the record's trace into what it sends
   */
  public static Topology build(
      Settings settings,
      RunHandler handler,
      RunSerdes serdes,
      Clock clock,
      BiConsumer<RunState, RunState> onStored,
      KafkaTracing tracing) {
    Topology topology = new Topology();
    topology.addSource(
        COMMANDS_SOURCE,
        Serdes.String().deserializer(),
        serdes.requested().deserializer(),
        settings.commandsTopic());
    topology.addSource(
        REPLIES_SOURCE,
        Serdes.String().deserializer(),
        serdes.connectorReply().deserializer(),
        settings.repliesTopic());
    topology.addSource(
        CONTROL_SOURCE,
        Serdes.String().deserializer(),
        serdes.control().deserializer(),
        settings.controlTopic());
    topology.addProcessor(
        PROCESSOR,
        () ->
            new RunProcessor(
                handler, new CloudEvents(settings.source()), clock, settings, onStored, tracing),
        COMMANDS_SOURCE,
        REPLIES_SOURCE,
        CONTROL_SOURCE);
    topology.addStateStore(store(STORE, serdes.runState()), PROCESSOR);
    // Timers are derived from run state (attempt start + timeout, next attempt, deadline) and
    // rebuilt for every unfinished run when a task starts (RunHandler.resume), so their store is
    // an in-memory index without a changelog: no write to Kafka per step for them.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(TIMERS_STORE), Serdes.String(), Serdes.String())
            .withCachingDisabled()
            .withLoggingDisabled(),
        PROCESSOR);
    topology.addStateStore(store(ACTIVE_STORE, Serdes.String()), PROCESSOR);
    topology.addStateStore(store(INDEX_STORE, serdes.summary()), PROCESSOR);
    TopicNameExtractor<String, Outbound<InvokeConnector>> commandTopic =
        (key, value, context) -> value.topic();
    topology.addSink(
        COMMANDS_SINK,
        commandTopic,
        Serdes.String().serializer(),
        new OutboundSerializer<>(serdes.command().serializer()),
        PROCESSOR);
    TopicNameExtractor<String, Outbound<WorkflowReply>> replyTopic =
        (key, value, context) -> value.topic();
    topology.addSink(
        REPLIES_SINK,
        replyTopic,
        Serdes.String().serializer(),
        new OutboundSerializer<>(serdes.workflowReply().serializer()),
        replyPartition(),
        PROCESSOR);
    // runs started by schedules go through the commands topic like any other, to their partition
    topology.addSink(
        TRIGGERED_SINK,
        settings.commandsTopic(),
        Serdes.String().serializer(),
        serdes.requested().serializer(),
        PROCESSOR);
    topology.addSink(
        EVENTS_SINK,
        settings.eventsTopic(),
        Serdes.String().serializer(),
        serdes.event().serializer(),
        PROCESSOR);
    return topology;
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(name), Serdes.String(), values)
        // No record cache: every change goes to the changelog at once. A cached change lost in a
        // crash would let the replayed input decide again, and a replayed start could pick a newer
        // definition version than the commands already sent for it; a change already in the store
        // makes the replay a no-op instead.
        .withCachingDisabled()
        .withLoggingEnabled(Map.of());
  }

  /**
   * Sends each reply to the partition owned by the gateway instance that awaits it. A partition
   * outside the topic cannot be honoured; the reply then goes by key and the gateway counts it as
   * unmatched, while the result stays readable at {@code /runs/{id}}.
   */
  static StreamPartitioner<String, Outbound<WorkflowReply>> replyPartition() {
    return (topic, key, value, partitions) -> {
      Integer partition = value.partition();
      if (partition == null) {
        return Optional.empty();
      }
      if (partition < 0 || partition >= partitions) {
        log.error(
            "Run {} asks for its reply on partition {} of {}, which has {} partitions; sending it"
                + " by key",
            key,
            partition,
            topic,
            partitions);
        return Optional.empty();
      }
      return Optional.of(Set.of(partition));
    };
  }
}
