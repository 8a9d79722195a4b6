package dev.junction.connector.kafka.publish;

import java.time.Duration;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * A named place steps publish to.
 *
 * @param name the name steps use
 * @param topic the topic
 * @param format how the value is written
 * @param schema the Avro schema of {@link Format#AVRO} values, else {@code null}
 * @param type the CloudEvents {@code ce_type} of its records
 * @param timeout longest wait for the broker's acknowledgement
 */
public record Target(
    String name, String topic, Format format, Schema schema, String type, Duration timeout) {

  /** How a record's value is written. */
  public enum Format {
    /** The input's {@code value} as UTF-8 JSON text, {@code content-type: application/json}. */
    JSON,
    /** The input's {@code value} (Avro JSON encoding) as Avro in Confluent's wire format. */
    AVRO
  }

  public Target {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(topic, "topic of " + name);
    Objects.requireNonNull(format, "format of " + name);
    if (format == Format.AVRO && schema == null) {
      throw new IllegalArgumentException("connection '" + name + "': avro needs a schema");
    }
  }
}
