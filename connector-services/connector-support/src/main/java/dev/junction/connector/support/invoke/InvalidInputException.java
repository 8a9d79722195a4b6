package dev.junction.connector.support.invoke;

/**
 * A command's input that the connector refuses to act on (malformed JSON, a missing or unknown
 * field, a value of the wrong shape, ...). Its message is safe to send back in a reply: it names
 * fields, never values, bodies or secrets.
 */
public class InvalidInputException extends Exception {

  public InvalidInputException(String message) {
    super(message);
  }
}
