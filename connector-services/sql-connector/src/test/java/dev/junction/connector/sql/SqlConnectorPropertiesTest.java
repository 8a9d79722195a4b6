package dev.junction.connector.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.connector.sql.statement.StatementKind;
import dev.junction.contract.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlConnectorPropertiesTest {

  private static SqlConnectorProperties.Connection connection(String password, Path file) {
    return new SqlConnectorProperties.Connection(
        "jdbc:postgresql://127.0.0.1/orders",
        "app",
        password,
        file,
        4,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        Map.of());
  }

  @Test
  void theDefaultCommandTopicIsTheConnectorsTopic() {
    assertThat(SqlConnectorProperties.DEFAULT_COMMAND_TOPIC)
        .isEqualTo(Topics.connectorCommands("sql-connector"));
  }

  @Test
  void theDatabaseDeduplicatesNotMemory() {
    SqlConnectorProperties properties =
        new SqlConnectorProperties(
            Map.of(), "t", "g", 2, "ledger", Duration.ofDays(7), Duration.ofHours(1));

    assertThat(properties.connectorSettings().duplicateWindow()).isZero();
  }

  @Test
  void neverPrintsThePassword() {
    assertThat(connection("s3cret", null).toString()).doesNotContain("s3cret");
  }

  @Test
  void aPasswordFileWinsOverThePassword(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("password"), "from-file\n");

    assertThat(connection("inline", file).resolvedPassword()).isEqualTo("from-file");
    assertThat(connection("inline", null).resolvedPassword()).isEqualTo("inline");
  }

  @Test
  void aBadStatementStopsStartUpNamingItsConnection() {
    assertThatThrownBy(
            () ->
                SqlConnectorProperties.namedStatements(
                    "orders",
                    Map.of(
                        "bad",
                        new SqlConnectorProperties.Statement(
                            "SELECT * FROM t WHERE a = ? AND b = :b", StatementKind.QUERY, 10))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("connection 'orders': statement 'bad'");
  }
}
