package dev.junction.connector.sql.run;

/**
 * A command the connector refuses to act on: malformed input, an unknown statement, missing or
 * unknown parameters, a value of the wrong shape. Its message is safe to send back in a reply: it
 * names statements and parameters, never values.
 */
public class InvalidInputException extends Exception {

  public InvalidInputException(String message) {
    super(message);
  }
}
