package dev.junction.connector.http;

import dev.junction.connector.http.call.HttpOperation;
import dev.junction.connector.http.invoke.Invoker;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The Kafka-free core: the HTTP operation and the invoker that classifies every command. */
@Configuration(proxyBeanMethods = false)
class ConnectorConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  HttpOperation httpOperation(JsonMapper json) {
    return new HttpOperation(HttpOperation.defaultClient(), json);
  }

  @Bean
  Invoker invoker(
      HttpConnectorProperties properties,
      HttpOperation operation,
      JsonMapper json,
      MeterRegistry meters,
      Clock clock) {
    return new Invoker(
        properties.httpConnections(), operation, json, meters, clock, properties.duplicateWindow());
  }
}
