package dev.junction.connector.http.call;

/**
 * A command's input that the connector refuses to act on (malformed JSON, a missing method, a path
 * that leaves the connection's base URL, ...). Its message is safe to send back in a reply: it
 * never quotes header values or bodies.
 */
public class InvalidInputException extends Exception {

  public InvalidInputException(String message) {
    super(message);
  }
}
