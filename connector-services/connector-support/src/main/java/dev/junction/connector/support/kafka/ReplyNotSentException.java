package dev.junction.connector.support.kafka;

/**
 * The reply to a command could not be published. Retryable: the error handler redelivers the
 * command, which is answered again from the invoker's recent results without a second backend call.
 */
public class ReplyNotSentException extends RuntimeException {

  public ReplyNotSentException(String message, Throwable cause) {
    super(message, cause);
  }
}
