package dev.junction.connector.kafka.publish;

/**
 * A command the connector refuses: malformed input, reserved headers, a value that does not match
 * the target's schema. Its message names fields, never values.
 */
public class InvalidInputException extends Exception {

  public InvalidInputException(String message) {
    super(message);
  }
}
