package dev.junction.orchestrator.kafka;

import dev.junction.contract.Topics;
import dev.junction.orchestrator.OrchestratorProperties;
import dev.junction.orchestrator.run.RunHandler;
import dev.junction.orchestrator.run.RunLookup;
import dev.junction.orchestrator.run.RunMetrics;
import dev.junction.orchestrator.workflow.WorkflowCatalog;
import java.time.Clock;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the run topology into Kafka Streams, its topics, health and the run store lookup. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({JunctionKafkaProperties.class, RegistryProperties.class})
class KafkaConfiguration {

  @Bean
  TopicProvisioner topicProvisioner(KafkaProperties kafka, JunctionKafkaProperties junctionKafka) {
    return new TopicProvisioner(
        kafka.buildAdminProperties(),
        junctionKafka.partitions(),
        junctionKafka.replicationFactor());
  }

  @Bean
  RunStreams runStreams(
      OrchestratorProperties properties,
      KafkaProperties kafka,
      RegistryProperties registry,
      RunHandler handler,
      RunMetrics metrics,
      WorkflowCatalog catalog,
      TopicProvisioner topics,
      Clock clock) {
    RunTopology.Settings settings =
        new RunTopology.Settings(
            properties.commandsTopic(),
            properties.repliesTopic(),
            properties.controlTopic(),
            properties.eventsTopic(),
            OrchestratorProperties.SOURCE,
            properties.timerInterval(),
            properties.retention());
    return new RunStreams(
        RunTopology.build(
            settings, handler, RunSerdes.registry(registry.url()), clock, metrics::record),
        RunStreamsConfig.properties(kafka.buildStreamsProperties(), properties),
        () -> {
          topics.ensure(
              Set.of(
                  properties.commandsTopic(),
                  properties.repliesTopic(),
                  properties.controlTopic(),
                  properties.eventsTopic(),
                  Topics.deadLetter(properties.commandsTopic()),
                  Topics.deadLetter(properties.repliesTopic()),
                  Topics.deadLetter(properties.controlTopic())));
          topics.ensureConnectorTopics(catalog.connectors());
          topics.requireCoPartitioned(properties.commandsTopic(), properties.repliesTopic());
          topics.requireCoPartitioned(properties.commandsTopic(), properties.controlTopic());
        });
  }

  @Bean
  KafkaStreamsHealthIndicator kafkaStreamsHealthIndicator(RunStreams streams) {
    return new KafkaStreamsHealthIndicator(streams);
  }

  @Bean
  RunLookup runLookup(RunStreams streams) {
    return new StreamsRunLookup(streams);
  }
}
