package dev.junction.gateway.catalog;

import java.util.Arrays;
import java.util.Optional;

/** What the gateway does with JSON body members the request schema does not declare. */
public enum UnknownFields {
  /** A 400 problem names each one: a typo is reported, not silently ignored. The default. */
  REFUSE("refuse"),
  /** They are left out of the record: older schemas tolerate newer clients. */
  DROP("drop");

  private final String yamlName;

  UnknownFields(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  static Optional<UnknownFields> fromYaml(String value) {
    return Arrays.stream(values()).filter(v -> v.yamlName.equals(value)).findFirst();
  }
}
