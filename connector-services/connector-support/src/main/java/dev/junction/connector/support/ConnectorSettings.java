package dev.junction.connector.support;

import dev.junction.contract.Topics;
import java.util.Objects;

/**
 * What the shared plumbing needs to know of a connector service; each connector builds it from its
 * own configuration properties and declares it as a bean.
 *
 * @param name the connector's name, e.g. {@code sql-connector}: the CloudEvents source {@code
 *     junction/<name>} of its replies and its Kafka client id
 * @param commandTopic topic of its {@code InvokeConnector} commands; dead letters go to {@code
 *     <commandTopic>-dlt}
 * @param groupId consumer group shared by all instances
 * @param concurrency consumer threads per instance (useless beyond the topic's partitions)
 * @param duplicateWindow recent results remembered by idempotency key to answer redelivered
 *     commands without performing them again; {@code 0} when the connector deduplicates itself
 */
public record ConnectorSettings(
    String name, String commandTopic, String groupId, int concurrency, int duplicateWindow) {

  public ConnectorSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(commandTopic, "commandTopic");
    Objects.requireNonNull(groupId, "groupId");
    if (concurrency < 1 || duplicateWindow < 0) {
      throw new IllegalArgumentException(
          "concurrency must be positive and duplicateWindow not negative");
    }
  }

  /** The CloudEvents {@code ce_source} of the records this connector produces. */
  public String source() {
    return "junction/" + name;
  }

  /** Its dead-letter topic. */
  public String deadLetterTopic() {
    return Topics.deadLetter(commandTopic);
  }
}
