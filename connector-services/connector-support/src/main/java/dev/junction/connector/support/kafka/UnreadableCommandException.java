package dev.junction.connector.support.kafka;

/**
 * A record that deserialized but cannot be acted on or answered (no value, no reply topic). Not
 * retryable: it goes straight to the dead-letter topic.
 */
public class UnreadableCommandException extends RuntimeException {

  public UnreadableCommandException(String message) {
    super(message);
  }
}
