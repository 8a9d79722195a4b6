package dev.junction.gateway.reply;

import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.contract.schema.RegistryCredentials;
import dev.junction.contract.tracing.KafkaTracing;
import dev.junction.wire.WorkflowRequested;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Produces {@code WorkflowRequested} to the orchestrator's command topic, keyed by run id.
 *
 * <p>{@code send} runs on a Netty event loop, so nothing in it may block: {@link #start()} fetches
 * the topic's metadata and registers the Avro schema before the gateway serves traffic, leaving
 * {@code send} with a cached schema id and known partitions.
 */
public final class KafkaWorkflowRequestSender implements WorkflowRequestSender, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(KafkaWorkflowRequestSender.class);

  private final String topic;
  private final Serializer<WorkflowRequested> valueSerializer;
  private final Producer<String, WorkflowRequested> producer;
  private final KafkaClientMetrics clientMetrics;
  private final KafkaTracing tracing;
  private final String spanName;
  private final int phase;
  private volatile boolean running;

  /**
   * @param topic the orchestrator's command topic
   * @param producerProperties Boot's producer settings ({@code spring.kafka.*}), to which the
   *     request path's latency and durability settings are added
   * @param registryUrl Apicurio v3 API URL
   * @param credentials OAuth2 client credentials for the registry, or {@code null}
   * @param meters where the producer's own metrics are bound ({@code kafka.producer.*})
   * @param tracing makes the {@code send} span whose context the command carries
   * @param phase lifecycle phase; before the web server's, so the producer is warm first
   */
  public KafkaWorkflowRequestSender(
      String topic,
      Map<String, Object> producerProperties,
      String registryUrl,
      RegistryCredentials credentials,
      MeterRegistry meters,
      KafkaTracing tracing,
      int phase) {
    this.topic = topic;
    this.tracing = tracing;
    this.spanName = "send " + topic;
    this.phase = phase;
    Map<String, Object> config = new HashMap<>(producerProperties);
    // Request path: send at once (Kafka 4 defaults linger.ms to 5), never lose an acknowledged
    // command, never duplicate one on retry.
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "junction-gateway-commands");
    // Bounds how long send() may block the event loop if metadata is missing (broker down).
    config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    this.valueSerializer = AvroSerdes.serializer(registryUrl, credentials);
    this.producer = new KafkaProducer<>(config, new StringSerializer(), valueSerializer);
    this.clientMetrics = new KafkaClientMetrics(producer);
    clientMetrics.bindTo(meters);
  }

  @Override
  public CompletableFuture<Void> send(WorkflowRequested request, TraceContext parent) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    // a PRODUCER span from the hand-over to the broker's acknowledgement; the orchestrator's span
    // for this command is its child
    Span span = tracing.send(spanName, parent).tag(KafkaTracing.RUN_ID_TAG, request.getRunId());
    Headers headers = CommandHeaders.of(request);
    tracing.inject(span, headers);
    ProducerRecord<String, WorkflowRequested> record =
        new ProducerRecord<>(topic, null, request.getRunId(), request, headers);
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error != null) {
              span.error(error).end();
              sent.completeExceptionally(error);
            } else {
              span.end();
              log.debug(
                  "run {}: sent to {}-{}@{}",
                  request.getRunId(),
                  metadata.topic(),
                  metadata.partition(),
                  metadata.offset());
              sent.complete(null);
            }
          });
    } catch (RuntimeException e) {
      // send() throws synchronously for serialization failures and when metadata is unavailable
      // within max.block.ms; the caller turns both into a 503 like an asynchronous failure.
      span.error(e).end();
      sent.completeExceptionally(e);
    }
    return sent;
  }

  @Override
  public void start() {
    int partitions = producer.partitionsFor(topic).size();
    valueSerializer.serialize(topic, new RecordHeaders(), warmUpRecord());
    log.info("Producer to {} ready ({} partitions, schema registered)", topic, partitions);
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    producer.close(Duration.ofSeconds(5));
    clientMetrics.close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return phase;
  }

  /** A record of the right schema, serialized once to register the schema; never sent. */
  private static WorkflowRequested warmUpRecord() {
    Instant now = Instant.now();
    return WorkflowRequested.newBuilder()
        .setRunId("warm-up")
        .setWorkflow("warm-up")
        .setApi("warm-up")
        .setApiVersion("warm-up")
        .setOperation("warm-up")
        .setMethod("GET")
        .setPath("/")
        .setReplyTopic("warm-up")
        .setReplyPartition(0)
        .setRequestedAt(now)
        .setDeadline(now)
        .build();
  }
}
