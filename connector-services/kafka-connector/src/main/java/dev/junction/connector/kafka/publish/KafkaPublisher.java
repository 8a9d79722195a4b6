package dev.junction.connector.kafka.publish;

import dev.junction.connector.support.invoke.CallResult;
import dev.junction.connector.support.invoke.Connector;
import dev.junction.connector.support.invoke.InvalidInputException;
import dev.junction.connector.support.invoke.Invocation;
import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.kafka.CloudEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Headers;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The kafka-connector's {@link Connector}: operation {@value PublishInput#OPERATION} publishes one
 * record to a named target and answers with where it landed once the broker acknowledged it.
 *
 * <p>The record's {@code ce_id} is the command's idempotency key, the same for every delivery of
 * the command, so consumers can drop a duplicate that a redelivery to another instance may publish.
 */
public final class KafkaPublisher implements Connector {

  private final Map<String, Target> targets;
  private final Producer<String, byte[]> jsonProducer;
  private final Producer<String, Object> avroProducer;
  private final String source;
  private final JsonMapper json;
  private final Clock clock;

  /**
   * @param jsonProducer publishes JSON values as bytes
   * @param avroProducer publishes Avro values through the registry's serializer
   * @param source the CloudEvents {@code ce_source} of the records
   */
  public KafkaPublisher(
      Map<String, Target> targets,
      Producer<String, byte[]> jsonProducer,
      Producer<String, Object> avroProducer,
      String source,
      JsonMapper json,
      Clock clock) {
    this.targets = Map.copyOf(targets);
    this.jsonProducer = jsonProducer;
    this.avroProducer = avroProducer;
    this.source = source;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public Set<String> connections() {
    return targets.keySet();
  }

  @Override
  public Set<String> operations() {
    return Set.of(PublishInput.OPERATION);
  }

  @Override
  public CallResult perform(Invocation invocation, Duration timeLeft) throws InterruptedException {
    Target target = targets.get(invocation.connection());
    String prefix = "connection '" + target.name() + "': ";
    PublishInput input;
    Object value;
    try {
      input = PublishInput.parse(invocation.input(), json);
      value = value(target, input);
    } catch (InvalidInputException e) {
      return new CallResult.FatalError(prefix + e.getMessage());
    }
    Duration limit = Invocation.limit(target.timeout(), timeLeft);
    Future<RecordMetadata> sent;
    try {
      sent = send(target, input, value, invocation);
    } catch (KafkaException e) {
      // thrown before the record left: serialization, registry, metadata timeout
      return classify(prefix, target, e);
    }
    try {
      RecordMetadata metadata = sent.get(limit.toNanos(), TimeUnit.NANOSECONDS);
      return new CallResult.Succeeded(output(metadata));
    } catch (TimeoutException e) {
      return new CallResult.RetryableError(
          null, prefix + "not acknowledged within " + limit.toMillis() + " ms (it may still land)");
    } catch (ExecutionException e) {
      return classify(prefix, target, e.getCause());
    }
  }

  private Future<RecordMetadata> send(
      Target target, PublishInput input, Object value, Invocation invocation) {
    Instant now = clock.instant();
    if (target.format() == Target.Format.AVRO) {
      ProducerRecord<String, Object> record =
          new ProducerRecord<>(target.topic(), input.key(), value);
      headers(record.headers(), target, input, invocation, now, "application/avro");
      return avroProducer.send(record);
    }
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(target.topic(), input.key(), (byte[]) value);
    headers(record.headers(), target, input, invocation, now, "application/json");
    return jsonProducer.send(record);
  }

  private void headers(
      Headers headers,
      Target target,
      PublishInput input,
      Invocation invocation,
      Instant now,
      String contentType) {
    input.headers().forEach((name, text) -> CloudEvents.add(headers, name, text));
    CloudEvents.add(headers, CloudEventHeaders.ID, invocation.idempotencyKey());
    CloudEvents.add(headers, CloudEventHeaders.TYPE, target.type());
    CloudEvents.add(headers, CloudEventHeaders.SOURCE, source);
    CloudEvents.add(headers, CloudEventHeaders.TIME, now.toString());
    CloudEvents.add(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_1_0);
    CloudEvents.add(headers, CloudEventHeaders.CONTENT_TYPE, contentType);
    if (invocation.runId() != null) {
      CloudEvents.add(headers, CloudEventHeaders.RUN_ID, invocation.runId());
    }
    if (invocation.traceparent() != null) {
      // the published record stays in the workflow's trace (no tracer of our own yet)
      CloudEvents.add(headers, CloudEventHeaders.TRACEPARENT, invocation.traceparent());
    }
  }

  /** The value to send: JSON bytes, or a record of the target's schema. */
  private static Object value(Target target, PublishInput input) throws InvalidInputException {
    if (input.value() == null) {
      return null;
    }
    if (target.format() == Target.Format.JSON) {
      return input.value().getBytes(StandardCharsets.UTF_8);
    }
    try {
      return new GenericDatumReader<GenericRecord>(target.schema())
          .read(null, DecoderFactory.get().jsonDecoder(target.schema(), input.value()));
    } catch (IOException | AvroRuntimeException e) {
      throw new InvalidInputException(
          "input.value does not match schema "
              + target.schema().getFullName()
              + " (Avro JSON encoding: optional fields as {\"type\": value})");
    }
  }

  private String output(RecordMetadata metadata) {
    ObjectNode output = json.createObjectNode();
    output.put("topic", metadata.topic());
    output.put("partition", metadata.partition());
    output.put("offset", metadata.offset());
    output.put("timestamp", Instant.ofEpochMilli(metadata.timestamp()).toString());
    return json.writeValueAsString(output);
  }

  /** Transient broker conditions may pass; everything else is configuration or data. */
  private static CallResult classify(String prefix, Target target, Throwable failure) {
    String what =
        prefix
            + "publishing to '"
            + target.topic()
            + "' failed ("
            + failure.getClass().getSimpleName()
            + ")";
    if (failure instanceof RetriableException) {
      return new CallResult.RetryableError(null, what);
    }
    return new CallResult.FatalError(what);
  }
}
