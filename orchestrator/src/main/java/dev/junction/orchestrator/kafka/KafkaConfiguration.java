package dev.junction.orchestrator.kafka;

import dev.junction.contract.Topics;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.contract.kafka.CloudEvents;
import dev.junction.contract.tracing.KafkaTracing;
import dev.junction.contract.tracing.TracingConfiguration;
import dev.junction.orchestrator.OrchestratorProperties;
import dev.junction.orchestrator.run.RunCommands;
import dev.junction.orchestrator.run.RunHandler;
import dev.junction.orchestrator.run.RunHistory;
import dev.junction.orchestrator.run.RunLookup;
import dev.junction.orchestrator.run.RunMetrics;
import dev.junction.orchestrator.workflow.WorkflowCatalog;
import dev.junction.wire.WorkflowDefinitionVersion;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Wires the run topology into Kafka Streams, its topics, health, tracing and the run store lookup.
 */
@Configuration(proxyBeanMethods = false)
@Import(TracingConfiguration.class)
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
      KafkaDefinitionArchive archive,
      Clock clock,
      MeterRegistry meters,
      KafkaTracing tracing,
      @Value("${server.port:8081}") int serverPort) {
    HostInfo advertised = advertised(properties, serverPort);
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
            settings, handler, RunSerdes.registry(registry.url()), clock, metrics::record, tracing),
        RunStreamsConfig.properties(kafka.buildStreamsProperties(), properties, advertised),
        () -> {
          // versions kept by earlier runs of the orchestrator first: runs pinned to them resume
          topics.ensureCompacted(properties.definitionsTopic());
          archive.restoreInto(catalog);
          catalog.archiveTo(archive);
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
        },
        meters);
  }

  /** Runs in flight on this instance: {@code junction.runs.active}. */
  @Bean
  Gauge activeRunsGauge(RunStreams streams, MeterRegistry meters) {
    return Gauge.builder("junction.runs.active", streams, RunStreams::activeRuns)
        .description("Unfinished runs whose partitions this instance owns")
        .register(meters);
  }

  @Bean
  KafkaStreamsHealthIndicator kafkaStreamsHealthIndicator(RunStreams streams) {
    return new KafkaStreamsHealthIndicator(streams);
  }

  @Bean
  RunLookup runLookup(
      RunStreams streams,
      OrchestratorProperties properties,
      @Value("${server.port:8081}") int serverPort) {
    return new StreamsRunLookup(streams, advertised(properties, serverPort));
  }

  /** This instance's runs API address, or null when the port is random (tests with port 0). */
  private static HostInfo advertised(OrchestratorProperties properties, int serverPort) {
    return serverPort > 0 ? new HostInfo(properties.advertisedHost(), serverPort) : null;
  }

  @Bean
  RunHistory runHistory(RunStreams streams, OrchestratorProperties properties) {
    return new StreamsRunHistory(streams, properties.commandsTopic());
  }

  @Bean(destroyMethod = "close")
  KafkaRunCommandSender runCommandSender(
      KafkaProperties kafka, RegistryProperties registry, OrchestratorProperties properties) {
    Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
    config.putAll(AvroSerdes.serializerConfig(registry.url()));
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaRunCommandSender(
        new KafkaProducer<>(
            config, new StringSerializer(), AvroSerdes.<SpecificRecord>serializer(registry.url())),
        new CloudEvents(OrchestratorProperties.SOURCE),
        properties.commandsTopic(),
        properties.controlTopic());
  }

  @Bean(destroyMethod = "close")
  KafkaDefinitionArchive definitionArchive(
      KafkaProperties kafka,
      RegistryProperties registry,
      OrchestratorProperties properties,
      Clock clock) {
    Map<String, Object> producerConfig = new HashMap<>(kafka.buildProducerProperties());
    producerConfig.putAll(AvroSerdes.serializerConfig(registry.url()));
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    Map<String, Object> consumerConfig = new HashMap<>(kafka.buildConsumerProperties());
    consumerConfig.putAll(AvroSerdes.deserializerConfig(registry.url()));
    consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaDefinitionArchive(
        properties.definitionsTopic(),
        new KafkaProducer<>(
            producerConfig, new StringSerializer(), AvroSerdes.serializer(registry.url())),
        () ->
            new KafkaConsumer<>(
                consumerConfig,
                new StringDeserializer(),
                AvroSerdes.deserializer(WorkflowDefinitionVersion.class, registry.url())),
        clock);
  }

  @Bean
  KafkaTriggers kafkaTriggers(
      WorkflowCatalog catalog,
      KafkaProperties kafka,
      RegistryProperties registry,
      OrchestratorProperties properties,
      TopicProvisioner topics,
      Clock clock) {
    Map<String, Object> consumerConfig = new HashMap<>(kafka.buildConsumerProperties());
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, properties.applicationId() + "-triggers");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<String, Object> producerConfig = new HashMap<>(kafka.buildProducerProperties());
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    // generic records: trigger topics carry the users' own schemas
    Map<String, Object> avroConfig = new HashMap<>(AvroSerdes.deserializerConfig(registry.url()));
    avroConfig.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, false);
    AvroKafkaDeserializer<Object> avro = new AvroKafkaDeserializer<>();
    avro.configure(avroConfig, false);
    return new KafkaTriggers(
        catalog,
        () ->
            new KafkaConsumer<>(
                consumerConfig, new StringDeserializer(), new ByteArrayDeserializer()),
        avro,
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer()),
        AvroSerdes.serializer(registry.url()),
        topics::ensure,
        properties.commandsTopic(),
        new CloudEvents(OrchestratorProperties.SOURCE),
        clock);
  }

  @Bean
  RunCommands runCommands(KafkaRunCommandSender sender) {
    return new RunCommands(sender);
  }
}
