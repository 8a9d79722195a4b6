package dev.junction.connector.support.invoke;

import java.time.Duration;
import java.time.Instant;

/**
 * One command to a connector, as read from the wire.
 *
 * @param connection name of the configured connection
 * @param operation operation name (for the http-connector: {@code request})
 * @param input the operation's input as JSON text
 * @param idempotencyKey unique per run, step and attempt
 * @param deadline after this instant nobody awaits the result; {@code null} for none
 * @param runId the run the command belongs to, or {@code null} when unknown
 * @param traceparent W3C trace context of the span handling the command (a child of the command's),
 *     or {@code null} without a tracer; a connector passes it on to what it calls (the
 *     http-connector as the backend request's {@code traceparent} header, the kafka-connector in
 *     the records it publishes)
 */
public record Invocation(
    String connection,
    String operation,
    String input,
    String idempotencyKey,
    Instant deadline,
    String runId,
    String traceparent) {

  /** An invocation without run id and trace context. */
  public Invocation(
      String connection, String operation, String input, String idempotencyKey, Instant deadline) {
    this(connection, operation, input, idempotencyKey, deadline, null, null);
  }

  /** The time left of a command without a deadline. */
  public static final Duration NO_DEADLINE = Duration.ofSeconds(Long.MAX_VALUE);

  /** The shorter of a connection's own limit and the time left until the deadline. */
  public static Duration limit(Duration own, Duration timeLeft) {
    return timeLeft.compareTo(own) < 0 ? timeLeft : own;
  }
}
