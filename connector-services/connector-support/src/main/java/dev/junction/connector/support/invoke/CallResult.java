package dev.junction.connector.support.invoke;

import dev.junction.wire.ConnectorOutcome;

/**
 * How one call ended, classified on purpose: the outcome enum the orchestrator reacts to, the
 * operation's output as JSON text (when there is one) and a short error text.
 *
 * <ul>
 *   <li>{@link Succeeded}: the operation did what it was asked.
 *   <li>{@link Failed}: the backend refused on business grounds (HTTP 4xx, a constraint violation);
 *       the same request will fail again, so the workflow compensates.
 *   <li>{@link RetryableError}: a technical failure that may pass (timeout, connection refused,
 *       HTTP 5xx/429, deadlock); the workflow may retry.
 *   <li>{@link FatalError}: no retry can help (unknown connection, operation or statement, bad
 *       input, a result too large, a defect).
 * </ul>
 */
public sealed interface CallResult {

  /** Output JSON, or {@code null} when there is none. */
  String output();

  /**
   * What went wrong, naming the connection and a short reason; {@code null} on success. Never
   * contains secrets, bodies or parameter values.
   */
  String error();

  /** The wire outcome of this result. */
  default ConnectorOutcome outcome() {
    return switch (this) {
      case Succeeded s -> ConnectorOutcome.SUCCEEDED;
      case Failed f -> ConnectorOutcome.FAILED;
      case RetryableError r -> ConnectorOutcome.RETRYABLE_ERROR;
      case FatalError f -> ConnectorOutcome.FATAL_ERROR;
    };
  }

  /** The operation succeeded. */
  record Succeeded(String output) implements CallResult {
    @Override
    public String error() {
      return null;
    }
  }

  /** A business failure: the backend refused the request; retrying will not change that. */
  record Failed(String output, String error) implements CallResult {}

  /** A technical failure that may pass. */
  record RetryableError(String output, String error) implements CallResult {}

  /** A failure no retry can fix. */
  record FatalError(String error) implements CallResult {
    @Override
    public String output() {
      return null;
    }
  }
}
