package dev.junction.connector.http.call;

import dev.junction.wire.ConnectorOutcome;

/**
 * How one call ended, classified on purpose: the outcome enum the orchestrator reacts to, the
 * output (the backend's response as JSON text, when there was one) and a short error text.
 */
public sealed interface CallResult {

  /** Output JSON {@code {"status","headers","body"}}, or {@code null} when no response came. */
  String output();

  /** What went wrong, naming the connection, status and a short reason; {@code null} on success. */
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

  /** The backend answered 2xx. */
  record Succeeded(String output) implements CallResult {
    @Override
    public String error() {
      return null;
    }
  }

  /**
   * The backend refused the request (4xx other than 408/429, or a redirect): a business failure.
   */
  record Failed(String output, String error) implements CallResult {}

  /** A technical failure that may pass: 408, 429, 5xx, timeout, refused or broken connection. */
  record RetryableError(String output, String error) implements CallResult {}

  /**
   * A failure no retry can fix: unknown connection or operation, bad input, a path escaping the
   * base URL, a response too large.
   */
  record FatalError(String error) implements CallResult {
    @Override
    public String output() {
      return null;
    }
  }
}
