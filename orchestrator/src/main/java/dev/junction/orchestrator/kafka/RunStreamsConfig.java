package dev.junction.orchestrator.kafka;

import dev.junction.orchestrator.OrchestratorProperties;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/** Kafka Streams settings of the run topology, tuned for the request path. */
final class RunStreamsConfig {

  private RunStreamsConfig() {}

  /**
   * @param base client settings from Spring Boot ({@code spring.kafka.*}: bootstrap servers,
   *     security, {@code spring.kafka.streams.properties.*})
   */
  static Properties properties(
      Map<String, Object> base, OrchestratorProperties orchestrator, HostInfo advertised) {
    Properties props = new Properties();
    props.putAll(base);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, orchestrator.applicationId());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, orchestrator.streamThreads());
    if (advertised != null) {
      // each instance's runs API address travels with the group metadata: any instance finds a
      // run's owner
      props.put(
          StreamsConfig.APPLICATION_SERVER_CONFIG, advertised.host() + ":" + advertised.port());
    }
    if (orchestrator.stateDir() != null) {
      props.put(StreamsConfig.STATE_DIR_CONFIG, orchestrator.stateDir().toString());
    }
    // exactly_once_v2 would hold every hop until the next commit (100 ms); transitions are
    // idempotent instead (see RunProcessor)
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
    // the run stores write through (see RunTopology)
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    // Commands and replies share a task. Never hold buffered records back waiting for data (or
    // lag information) on the other topic: a run's replies are caused by its command, so the
    // cross-topic timestamp ordering that idling buys is never needed.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // Kafka Streams overrides producers to linger.ms=100, which would add 100 ms to each hop
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
    props.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
    // a dead instance's partitions move after this long (Kafka's default is 45 s)
    props.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) orchestrator.sessionTimeout().toMillis());
    if (orchestrator.instanceId() != null && !orchestrator.instanceId().isBlank()) {
      // static membership: a restart rejoins as the same member, without waiting for a rebalance
      props.put(
          StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
          orchestrator.instanceId());
    }
    // a record nobody can read goes to <topic>-dlt instead of stopping the stream for good
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class);
    return props;
  }
}
