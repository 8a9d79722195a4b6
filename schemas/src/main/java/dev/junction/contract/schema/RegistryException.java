package dev.junction.contract.schema;

/** The schema registry could not be reached or answered something unexpected. */
public class RegistryException extends RuntimeException {

  public RegistryException(String message) {
    super(message);
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
