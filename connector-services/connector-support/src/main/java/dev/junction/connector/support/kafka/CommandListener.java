package dev.junction.connector.support.kafka;

import dev.junction.connector.support.invoke.Completion;
import dev.junction.connector.support.invoke.Invocation;
import dev.junction.connector.support.invoke.Invoker;
import dev.junction.contract.CloudEventHeaders;
import dev.junction.wire.InvokeConnector;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.listener.MessageListener;

/**
 * Consumes {@link InvokeConnector} commands: performs each through the {@link Invoker} and answers
 * with a {@code ConnectorReply}. A readable command always gets a reply, failures included; records
 * it cannot act on are thrown to the error handler, which dead-letters them.
 */
public final class CommandListener implements MessageListener<String, InvokeConnector> {

  private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

  private final Invoker invoker;
  private final ReplyPublisher replies;

  public CommandListener(Invoker invoker, ReplyPublisher replies) {
    this.invoker = invoker;
    this.replies = replies;
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
    try (MDC.MDCCloseable run = MDC.putCloseable("runId", command.getRunId());
        MDC.MDCCloseable step = MDC.putCloseable("stepId", command.getStepId());
        MDC.MDCCloseable trace = MDC.putCloseable("traceId", traceId(record));
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
                    traceparent(record)));
      } catch (InterruptedException e) {
        // Shutting down mid-call: leave the offset uncommitted so the command is redelivered.
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "Interrupted while performing command " + command.getIdempotencyKey(), e);
      }
      replies.send(record, command, completion);
      log.debug(
          "Command {} on connection {} answered {} after {} ms",
          command.getIdempotencyKey(),
          command.getConnection(),
          completion.result().outcome(),
          completion.duration().toMillis());
    }
  }

  /**
   * The trace id of the command's W3C {@code traceparent} ({@code 00-<trace id>-<span id>-<flags>})
   * for the logs, or {@code null} when it has none or a malformed one.
   */
  static String traceId(ConsumerRecord<?, ?> record) {
    String traceparent = traceparent(record);
    if (traceparent == null) {
      return null;
    }
    String[] parts = traceparent.split("-");
    return parts.length == 4 && TRACE_ID.matcher(parts[1]).matches() ? parts[1] : null;
  }

  /** The command's {@code traceparent} header, or {@code null}. */
  private static String traceparent(ConsumerRecord<?, ?> record) {
    Header header = record.headers().lastHeader(CloudEventHeaders.TRACEPARENT);
    return header == null ? null : new String(header.value(), StandardCharsets.US_ASCII);
  }
}
