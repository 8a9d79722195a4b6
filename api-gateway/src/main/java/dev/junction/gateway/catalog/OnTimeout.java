package dev.junction.gateway.catalog;

import java.util.Arrays;
import java.util.Optional;

/** What the gateway answers when an operation's workflow has not replied by the deadline. */
public enum OnTimeout {
  /** 202 Accepted with {@code Location: /runs/{id}}: the client reads the result later. */
  ACCEPTED("accepted"),
  /** 504 problem: for clients that cannot follow up on a run. */
  GATEWAY_TIMEOUT("gateway-timeout");

  private final String yamlName;

  OnTimeout(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  static Optional<OnTimeout> fromYaml(String value) {
    return Arrays.stream(values()).filter(v -> v.yamlName.equals(value)).findFirst();
  }
}
