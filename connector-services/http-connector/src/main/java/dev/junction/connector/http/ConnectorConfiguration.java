package dev.junction.connector.http;

import dev.junction.connector.http.call.HttpConnector;
import dev.junction.connector.http.call.HttpOperation;
import dev.junction.connector.http.resilience.ConnectionGuard;
import dev.junction.connector.support.ConnectorSettings;
import dev.junction.connector.support.kafka.ConnectorKafkaConfiguration;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
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
      HttpConnectorProperties properties,
      HttpOperation operation,
      JsonMapper json,
      MeterRegistry meters,
      Clock clock) {
    RetryRegistry retries = RetryRegistry.ofDefaults();
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    Map<String, ConnectionGuard> guards = new TreeMap<>();
    properties
        .connections()
        .forEach(
            (name, connection) ->
                guards.put(
                    name,
                    new ConnectionGuard(
                        name, connection.resilience(), retries, breakers, bulkheads)));
    // resilience4j.circuitbreaker.state{name=<connection>}, .calls, retry and bulkhead metrics
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
    TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
    // token endpoints are called rarely (tokens are cached): a plain client of their own
    HttpClient tokenHttp =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new HttpConnector(
        properties.httpConnections(tokenHttp, json, clock), guards, operation, json);
  }
}
