package dev.junction.connector.support.kafka;

import dev.junction.connector.support.invoke.Completion;
import dev.junction.connector.support.invoke.Invocation;
import dev.junction.connector.support.invoke.Invoker;
import dev.junction.contract.tracing.KafkaTracing;
import dev.junction.wire.InvokeConnector;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.listener.MessageListener;

/**
 * Consumes {@link InvokeConnector} commands: performs each through the {@link Invoker} and answers
 * with a {@code ConnectorReply}. A readable command always gets a reply, failures included; records
 * it cannot act on are thrown to the error handler, which dead-letters them.
 *
 * <p>Each command is handled in a span that continues the command's trace (its {@code
 * traceparent}); the backend call and the reply carry that span's context.
 */
public final class CommandListener implements MessageListener<String, InvokeConnector> {

  private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

  /** Span tags: the step a command belongs to, and the outcome of the call. */
  static final String STEP_ID_TAG = "junction.step_id";

  static final String OUTCOME_TAG = "junction.outcome";

  private final Invoker invoker;
  private final ReplyPublisher replies;
  private final KafkaTracing tracing;

  public CommandListener(Invoker invoker, ReplyPublisher replies, KafkaTracing tracing) {
    this.invoker = invoker;
    this.replies = replies;
    this.tracing = tracing;
  }

  @Override
  public void onMessage(ConsumerRecord<String, InvokeConnector> record) {
    InvokeConnector command = record.value();
    if (command == null) {
      throw new UnreadableCommandException("record has no value (tombstone)");
    }
    if (command.getReplyTopic() == null || command.getReplyTopic().isBlank()) {
      throw new UnreadableCommandException(
          "command " + command.getIdempotencyKey() + " names no reply topic");
    }
    Span span =
        tracing
            .receive("invoke " + command.getConnection(), record.headers())
            .tag(KafkaTracing.RUN_ID_TAG, command.getRunId())
            .tag(STEP_ID_TAG, command.getStepId());
    // the span in scope puts its trace id into the logging context (MDC traceId)
    try (Tracer.SpanInScope scope = tracing.inScope(span);
        MDC.MDCCloseable run = MDC.putCloseable("runId", command.getRunId());
        MDC.MDCCloseable step = MDC.putCloseable("stepId", command.getStepId());
        MDC.MDCCloseable source =
            MDC.putCloseable(
                "record", record.topic() + "-" + record.partition() + "@" + record.offset())) {
      Completion completion;
      try {
        completion =
            invoker.invoke(
                new Invocation(
                    command.getConnection(),
                    command.getOperation(),
                    command.getInput(),
                    command.getIdempotencyKey(),
                    command.getDeadline(),
                    command.getRunId(),
                    tracing.traceparent(span)));
      } catch (InterruptedException e) {
        // Shutting down mid-call: leave the offset uncommitted so the command is redelivered.
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "Interrupted while performing command " + command.getIdempotencyKey(), e);
      }
      span.tag(OUTCOME_TAG, completion.result().outcome().name());
      replies.send(command, completion, span);
      log.debug(
          "Command {} on connection {} answered {} after {} ms",
          command.getIdempotencyKey(),
          command.getConnection(),
          completion.result().outcome(),
          completion.duration().toMillis());
    } catch (RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      span.end();
    }
  }
}
