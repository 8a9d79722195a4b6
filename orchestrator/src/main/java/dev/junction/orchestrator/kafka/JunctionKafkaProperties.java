package dev.junction.orchestrator.kafka;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Kafka settings shared by Junction services ({@code junction.kafka.*}).
 *
 * @param partitions partitions of the topics this service creates. The commands and replies topics
 *     must keep the same count: they are co-partitioned by run id
 * @param replicationFactor replication factor of created topics; -1 uses the broker's default
 */
@ConfigurationProperties("junction.kafka")
@Validated
public record JunctionKafkaProperties(
    @DefaultValue("8") @Min(1) int partitions, @DefaultValue("-1") short replicationFactor) {}
