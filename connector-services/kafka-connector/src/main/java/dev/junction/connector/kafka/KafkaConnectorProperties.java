package dev.junction.connector.kafka;

import dev.junction.connector.kafka.publish.Target;
import dev.junction.connector.support.ConnectorSettings;
import dev.junction.contract.Topics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the Kafka connector ({@code junction.kafka-connector.*}).
 *
 * @param connections named targets (a topic and a format) that workflow steps publish to
 * @param commandTopic topic of {@code InvokeConnector} commands; dead letters go to {@code
 *     <commandTopic>-dlt}
 * @param groupId consumer group of the connector's instances
 * @param concurrency consumer threads per instance
 * @param duplicateWindow recent results remembered by idempotency key, so a redelivered command is
 *     answered without publishing again
 */
@Validated
@ConfigurationProperties("junction.kafka-connector")
public record KafkaConnectorProperties(
    @DefaultValue Map<String, @Valid @NotNull Connection> connections,
    @DefaultValue(DEFAULT_COMMAND_TOPIC) @NotBlank String commandTopic,
    @DefaultValue(CONNECTOR_NAME) @NotBlank String groupId,
    @DefaultValue("4") @Positive int concurrency,
    @DefaultValue("10000") @Positive int duplicateWindow) {

  /** The connector's name: its command topic, consumer group and CloudEvents source. */
  public static final String CONNECTOR_NAME = "kafka-connector";

  public static final String DEFAULT_COMMAND_TOPIC = CONNECTOR_NAME + Topics.COMMANDS_SUFFIX;

  /**
   * One target.
   *
   * @param topic the topic records are published to (the operator creates it)
   * @param format {@code json} (the value as UTF-8 JSON text) or {@code avro} (the value encoded
   *     with {@code schema-file}, registered in the schema registry, Confluent wire format)
   * @param schemaFile the Avro schema ({@code .avsc}) of {@code avro} values
   * @param type the CloudEvents {@code ce_type} of the records
   * @param timeout longest wait for the broker's acknowledgement
   */
  public record Connection(
      @NotBlank String topic,
      @DefaultValue("json") @NotNull Target.Format format,
      Path schemaFile,
      @DefaultValue("dev.junction.kafka-connector.record") @NotBlank String type,
      @DefaultValue("10s") @NotNull Duration timeout) {}

  /** What the shared connector plumbing needs. */
  public ConnectorSettings connectorSettings() {
    return new ConnectorSettings(
        CONNECTOR_NAME, commandTopic, groupId, concurrency, duplicateWindow);
  }

  /** The targets; an Avro target without a readable schema stops the service at start-up. */
  public Map<String, Target> targets() {
    Map<String, Target> targets = new TreeMap<>();
    connections.forEach(
        (name, connection) -> {
          Schema schema = null;
          if (connection.format() == Target.Format.AVRO) {
            if (connection.schemaFile() == null) {
              throw new IllegalArgumentException(
                  "connection '" + name + "': format avro needs a schema-file");
            }
            try {
              schema = new Schema.Parser().parse(connection.schemaFile().toFile());
            } catch (IOException e) {
              throw new UncheckedIOException(
                  "connection '" + name + "': cannot read " + connection.schemaFile(), e);
            }
          }
          targets.put(
              name,
              new Target(
                  name,
                  connection.topic(),
                  connection.format(),
                  schema,
                  connection.type(),
                  connection.timeout()));
        });
    return Map.copyOf(targets);
  }
}
