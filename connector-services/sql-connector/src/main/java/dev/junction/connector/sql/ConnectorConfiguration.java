package dev.junction.connector.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.junction.connector.sql.run.LedgerPurger;
import dev.junction.connector.sql.run.SqlConnection;
import dev.junction.connector.sql.run.SqlConnector;
import dev.junction.connector.support.ConnectorSettings;
import dev.junction.connector.support.kafka.ConnectorKafkaConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

/**
 * One HikariCP pool per named connection, and the connector the shared plumbing ({@link
 * ConnectorKafkaConfiguration}) runs commands through.
 */
@Configuration(proxyBeanMethods = false)
@Import(ConnectorKafkaConfiguration.class)
class ConnectorConfiguration {

  @Bean
  ConnectorSettings connectorSettings(SqlConnectorProperties properties) {
    return properties.connectorSettings();
  }

  /** The pools, closed with the application context. */
  @Bean(destroyMethod = "close")
  Pools pools(SqlConnectorProperties properties, MeterRegistry meters) {
    Map<String, HikariDataSource> pools = new TreeMap<>();
    properties
        .connections()
        .forEach((name, connection) -> pools.put(name, pool(name, connection, meters)));
    return new Pools(pools);
  }

  @Bean
  SqlConnector sqlConnector(
      SqlConnectorProperties properties, Pools pools, JsonMapper json, Clock clock) {
    Map<String, SqlConnection> connections = new TreeMap<>();
    properties
        .connections()
        .forEach(
            (name, connection) ->
                connections.put(
                    name,
                    new SqlConnection(
                        name,
                        pools.pools().get(name),
                        SqlConnectorProperties.namedStatements(name, connection.statements()),
                        connection.timeout(),
                        properties.ledgerTable(),
                        json,
                        clock)));
    return new SqlConnector(connections, json);
  }

  @Bean(destroyMethod = "close")
  LedgerPurger ledgerPurger(SqlConnectorProperties properties, SqlConnector connector) {
    return new LedgerPurger(
        connector, properties.ledgerRetention(), properties.ledgerPurgeInterval());
  }

  private static HikariDataSource pool(
      String name, SqlConnectorProperties.Connection connection, MeterRegistry meters) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(SqlConnectorProperties.CONNECTOR_NAME + "-" + name);
    config.setJdbcUrl(connection.url());
    config.setUsername(connection.username());
    config.setPassword(connection.resolvedPassword());
    config.setMaximumPoolSize(connection.maxPoolSize());
    config.setConnectionTimeout(connection.connectTimeout().toMillis());
    config.setAutoCommit(false);
    // Start even while the database is down: commands answer RETRYABLE_ERROR until it is back.
    config.setInitializationFailTimeout(-1);
    config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
    return new HikariDataSource(config);
  }

  /** The connection pools by connection name. */
  record Pools(Map<String, HikariDataSource> pools) implements AutoCloseable {
    @Override
    public void close() {
      List<RuntimeException> failures = new ArrayList<>();
      pools
          .values()
          .forEach(
              pool -> {
                try {
                  pool.close();
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              });
      if (!failures.isEmpty()) {
        throw failures.getFirst();
      }
    }
  }
}
