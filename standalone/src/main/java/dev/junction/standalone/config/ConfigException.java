package dev.junction.standalone.config;

/** An export or import that cannot go on, with a message for the operator. */
final class ConfigException extends RuntimeException {

  ConfigException(String message) {
    super(message);
  }
}
