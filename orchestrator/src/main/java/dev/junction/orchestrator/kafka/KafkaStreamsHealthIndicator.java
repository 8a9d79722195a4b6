package dev.junction.orchestrator.kafka;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP only while Kafka Streams is RUNNING. Part of the readiness group: an instance that is
 * rebalancing, restoring its store or stopped must not receive runs API traffic.
 */
final class KafkaStreamsHealthIndicator implements HealthIndicator {

  private final RunStreams streams;

  KafkaStreamsHealthIndicator(RunStreams streams) {
    this.streams = streams;
  }

  @Override
  public Health health() {
    KafkaStreams.State state = streams.state();
    Health.Builder health = state == KafkaStreams.State.RUNNING ? Health.up() : Health.down();
    return health.withDetail("state", state.name()).build();
  }
}
