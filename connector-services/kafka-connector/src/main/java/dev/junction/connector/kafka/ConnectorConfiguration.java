package dev.junction.connector.kafka;

import dev.junction.connector.kafka.publish.KafkaPublisher;
import dev.junction.connector.support.ConnectorSettings;
import dev.junction.connector.support.JunctionProperties;
import dev.junction.connector.support.kafka.ConnectorKafkaConfiguration;
import dev.junction.contract.kafka.AvroSerdes;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/**
 * The producers of the published records and the connector the shared plumbing ({@link
 * ConnectorKafkaConfiguration}) runs commands through.
 */
@Configuration(proxyBeanMethods = false)
@Import(ConnectorKafkaConfiguration.class)
class ConnectorConfiguration {

  @Bean
  ConnectorSettings connectorSettings(KafkaConnectorProperties properties) {
    return properties.connectorSettings();
  }

  @Bean(destroyMethod = "close")
  Producer<String, byte[]> jsonProducer(KafkaProperties kafka) {
    return new KafkaProducer<>(
        producerConfig(kafka), new StringSerializer(), new ByteArraySerializer());
  }

  @Bean(destroyMethod = "close")
  Producer<String, Object> avroProducer(KafkaProperties kafka, JunctionProperties junction) {
    Map<String, Object> config = producerConfig(kafka);
    config.putAll(AvroSerdes.serializerConfig(junction.registry().url()));
    AvroKafkaSerializer<Object> serializer = new AvroKafkaSerializer<>();
    serializer.configure(config, false);
    return new KafkaProducer<>(config, new StringSerializer(), serializer);
  }

  @Bean
  KafkaPublisher kafkaPublisher(
      KafkaConnectorProperties properties,
      Producer<String, byte[]> jsonProducer,
      Producer<String, Object> avroProducer,
      JsonMapper json,
      Clock clock) {
    return new KafkaPublisher(
        properties.targets(),
        jsonProducer,
        avroProducer,
        properties.connectorSettings().source(),
        json,
        clock);
  }

  /** Durable, unduplicated by the producer's own retries, sent at once, bounded when blocked. */
  private static Map<String, Object> producerConfig(KafkaProperties kafka) {
    Map<String, Object> config = kafka.buildProducerProperties();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // a missing topic or an unreachable cluster must not hold a consumer thread for a minute
    config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    return config;
  }
}
