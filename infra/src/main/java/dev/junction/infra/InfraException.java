package dev.junction.infra;

/** A server Junction runs could not be started, or did not become ready in time. */
public class InfraException extends RuntimeException {
  public InfraException(String message) {
    super(message);
  }

  public InfraException(String message, Throwable cause) {
    super(message, cause);
  }
}
