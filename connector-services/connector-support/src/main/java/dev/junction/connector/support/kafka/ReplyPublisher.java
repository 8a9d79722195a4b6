package dev.junction.connector.support.kafka;

import dev.junction.connector.support.ConnectorSettings;
import dev.junction.connector.support.invoke.Completion;
import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.kafka.CloudEvents;
import dev.junction.contract.tracing.KafkaTracing;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import io.micrometer.tracing.Span;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaOperations;

/**
 * Publishes {@link ConnectorReply} records to a command's reply topic, keyed by run id, with
 * CloudEvents headers, and waits for the broker's acknowledgement: the command's offset is
 * committed only after its reply is durable.
 */
public final class ReplyPublisher {

  private static final Logger log = LoggerFactory.getLogger(ReplyPublisher.class);

  private final KafkaOperations<String, SpecificRecord> template;
  private final CloudEvents cloudEvents;
  private final Clock clock;
  private final KafkaTracing tracing;

  public ReplyPublisher(
      KafkaOperations<String, SpecificRecord> template,
      ConnectorSettings settings,
      Clock clock,
      KafkaTracing tracing) {
    this.template = template;
    this.cloudEvents = new CloudEvents(settings.source());
    this.clock = clock;
    this.tracing = tracing;
  }

  /**
   * Sends the reply to {@code command} and returns once the broker has it.
   *
   * @param span the span of the command's handling: the reply carries its trace context
   */
  public void send(InvokeConnector command, Completion done, Span span) {
    ConnectorReply reply =
        ConnectorReply.newBuilder()
            .setRunId(command.getRunId())
            .setStepId(command.getStepId())
            .setAttempt(command.getAttempt())
            .setOutcome(done.result().outcome())
            .setOutput(done.result().output())
            .setError(done.result().error())
            .setDurationMs(done.duration().toMillis())
            .build();
    try {
      publish(command, reply, span);
    } catch (RecordTooLargeException e) {
      // The output fits the connector's own limit but not the topic's: say so instead.
      log.warn(
          "Reply to command {} is too large for topic {}; answering FATAL_ERROR without output",
          command.getIdempotencyKey(),
          command.getReplyTopic());
      reply.setOutcome(ConnectorOutcome.FATAL_ERROR);
      reply.setOutput(null);
      reply.setError(
          "connection '"
              + command.getConnection()
              + "': output too large for the reply topic (a reply must fit into one Kafka"
              + " record)");
      publish(command, reply, span);
    }
  }

  private void publish(InvokeConnector command, SpecificRecord reply, Span span) {
    ProducerRecord<String, SpecificRecord> record =
        new ProducerRecord<>(command.getReplyTopic(), command.getRunId(), reply);
    Headers headers =
        cloudEvents.addTo(
            record.headers(),
            UUID.randomUUID().toString(),
            CloudEventHeaders.Types.CONNECTOR_REPLY,
            command.getRunId(),
            clock.instant());
    CloudEvents.add(headers, CloudEventHeaders.STEP_ID, command.getStepId());
    CloudEvents.add(headers, CloudEventHeaders.ATTEMPT, Integer.toString(command.getAttempt()));
    tracing.inject(span, headers);
    try {
      // Bounded by the producer's delivery.timeout.ms, after which the future fails.
      template.send(record).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplyNotSentException(
          "Interrupted while sending the reply to command " + command.getIdempotencyKey(), e);
    } catch (ExecutionException | RuntimeException e) {
      // KafkaTemplate throws at once when the producer fails the send before it leaves (e.g. a
      // record over max.request.size), and fails the future when the broker refuses it.
      Throwable failure = e instanceof ExecutionException ? e.getCause() : e;
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        if (cause instanceof RecordTooLargeException tooLarge) {
          throw tooLarge;
        }
      }
      throw new ReplyNotSentException(
          "Reply to command "
              + command.getIdempotencyKey()
              + " not accepted by topic "
              + command.getReplyTopic(),
          failure);
    }
  }
}
