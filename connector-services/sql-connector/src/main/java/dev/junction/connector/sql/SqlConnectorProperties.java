package dev.junction.connector.sql;

import dev.junction.connector.sql.statement.NamedStatement;
import dev.junction.connector.sql.statement.StatementKind;
import dev.junction.connector.support.ConnectorSettings;
import dev.junction.contract.Topics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the SQL connector ({@code junction.sql-connector.*}).
 *
 * @param connections named databases that workflow steps refer to by {@code connection:}
 * @param commandTopic topic of {@code InvokeConnector} commands; dead letters go to {@code
 *     <commandTopic>-dlt}
 * @param groupId consumer group of the connector's instances
 * @param concurrency consumer threads per instance; each holds at most one pooled connection at a
 *     time, so keep it at or below each connection's {@code max-pool-size}
 * @param ledgerTable table (optionally {@code schema.table}) of idempotency keys in each database,
 *     created if missing
 * @param ledgerRetention how long ledger entries are kept: longer than a command can be redelivered
 *     or replayed
 * @param ledgerPurgeInterval how often entries older than the retention are deleted
 */
@Validated
@ConfigurationProperties("junction.sql-connector")
public record SqlConnectorProperties(
    @DefaultValue Map<String, @Valid @NotNull Connection> connections,
    @DefaultValue(DEFAULT_COMMAND_TOPIC) @NotBlank String commandTopic,
    @DefaultValue(CONNECTOR_NAME) @NotBlank String groupId,
    @DefaultValue("4") @Positive int concurrency,
    @DefaultValue(DEFAULT_LEDGER_TABLE) @NotBlank String ledgerTable,
    @DefaultValue("7d") @NotNull Duration ledgerRetention,
    @DefaultValue("1h") @NotNull Duration ledgerPurgeInterval) {

  /** The connector's name: its command topic, consumer group and CloudEvents source. */
  public static final String CONNECTOR_NAME = "sql-connector";

  public static final String DEFAULT_COMMAND_TOPIC = CONNECTOR_NAME + Topics.COMMANDS_SUFFIX;

  public static final String DEFAULT_LEDGER_TABLE = "junction_sql_ledger";

  /**
   * One database.
   *
   * @param url JDBC URL, e.g. {@code jdbc:postgresql://db:5432/orders} or {@code
   *     jdbc:mariadb://db:3306/orders}; no credentials in it
   * @param username user name, or none
   * @param password password; prefer {@code ${ENV_VARIABLE}} or {@code password-file}
   * @param passwordFile a file holding the password (e.g. a mounted secret); trailing line breaks
   *     are ignored; takes precedence over {@code password}
   * @param maxPoolSize most pooled connections (HikariCP {@code maximumPoolSize})
   * @param connectTimeout longest wait for a pooled connection; a database that does not answer
   *     within it makes the command {@code RETRYABLE_ERROR}
   * @param timeout longest one command's transaction may take (statements are cancelled after it)
   * @param statements the named statements, the only SQL run on this connection
   */
  public record Connection(
      @NotBlank @Pattern(regexp = "jdbc:.+", message = "must be a JDBC URL (jdbc:...)") String url,
      String username,
      String password,
      Path passwordFile,
      @DefaultValue("4") @Positive int maxPoolSize,
      @DefaultValue("5s") @NotNull Duration connectTimeout,
      @DefaultValue("30s") @NotNull Duration timeout,
      @DefaultValue Map<String, @Valid @NotNull Statement> statements) {

    /** The password from {@code password-file} or {@code password}; {@code null} for none. */
    public String resolvedPassword() {
      if (passwordFile == null) {
        return password;
      }
      try {
        return Files.readString(passwordFile).stripTrailing();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read password-file " + passwordFile, e);
      }
    }

    /** Never prints the password. */
    @Override
    public String toString() {
      return "Connection[url=" + url + ", username=" + username + ", password=****]";
    }
  }

  /**
   * One named statement.
   *
   * @param sql the SQL, with {@code :name} placeholders for the values a command supplies
   * @param kind {@code query} (returns rows) or {@code update} (returns the affected count)
   * @param maxRows a query returning more rows fails with {@code FATAL_ERROR}
   */
  public record Statement(
      @NotBlank String sql,
      @NotNull StatementKind kind,
      @DefaultValue("1000") @Positive int maxRows) {}

  /** What the shared connector plumbing needs; the database deduplicates, not memory. */
  public ConnectorSettings connectorSettings() {
    return new ConnectorSettings(CONNECTOR_NAME, commandTopic, groupId, concurrency, 0);
  }

  /**
   * The statements of a connection, parsed; a bad one stops the service at start-up instead of
   * failing every command.
   */
  public static Map<String, NamedStatement> namedStatements(
      String connection, Map<String, Statement> statements) {
    Map<String, NamedStatement> result = new TreeMap<>();
    statements.forEach(
        (name, statement) -> {
          try {
            result.put(
                name,
                NamedStatement.parse(name, statement.kind(), statement.sql(), statement.maxRows()));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "connection '" + connection + "': " + e.getMessage(), e);
          }
        });
    return Map.copyOf(result);
  }
}
