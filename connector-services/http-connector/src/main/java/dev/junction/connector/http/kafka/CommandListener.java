package dev.junction.connector.http.kafka;

import dev.junction.connector.http.invoke.Completion;
import dev.junction.connector.http.invoke.Invocation;
import dev.junction.connector.http.invoke.Invoker;
import dev.junction.wire.InvokeConnector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
                    command.getDeadline()));
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
}
