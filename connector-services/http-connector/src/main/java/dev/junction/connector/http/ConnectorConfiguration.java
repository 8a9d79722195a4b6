package dev.junction.connector.http;

import dev.junction.connector.http.call.HttpConnector;
import dev.junction.connector.http.call.HttpOperation;
import dev.junction.connector.support.ConnectorSettings;
import dev.junction.connector.support.kafka.ConnectorKafkaConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP operation and the connector the shared plumbing ({@link ConnectorKafkaConfiguration})
 * runs commands through.
 */
@Configuration(proxyBeanMethods = false)
@Import(ConnectorKafkaConfiguration.class)
class ConnectorConfiguration {

  @Bean
  ConnectorSettings connectorSettings(HttpConnectorProperties properties) {
    return properties.connectorSettings();
  }

  @Bean
  HttpOperation httpOperation(JsonMapper json) {
    return new HttpOperation(HttpOperation.defaultClient(), json);
  }

  @Bean
  HttpConnector httpConnector(
      HttpConnectorProperties properties, HttpOperation operation, JsonMapper json) {
    return new HttpConnector(properties.httpConnections(), operation, json);
  }
}
