package dev.junction.connector.sql.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The table that makes a command effectively-once: one row per idempotency key that took effect,
 * written in the same transaction as the command's statements, holding the output it answered.
 *
 * <p>A command first claims its key ({@code INSERT}); the database's primary key makes a second
 * claim of the same key wait for the first transaction and then fail, whatever instance sends it.
 * The claim is rolled back with the statements when they fail, so only effects that committed are
 * remembered. The table is created if missing.
 */
final class Ledger {

  /** Longest idempotency key the table holds. */
  static final int MAX_KEY_LENGTH = 255;

  private static final Pattern TABLE_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");

  private final String table;

  /**
   * @param table table name, optionally schema-qualified; checked, since it becomes SQL text
   */
  Ledger(String table) {
    if (!TABLE_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "ledger-table must be a plain SQL identifier (optionally schema.table)");
    }
    this.table = table;
  }

  String table() {
    return table;
  }

  /** Creates the table if it is missing (its own transaction: MariaDB commits DDL implicitly). */
  void create(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    boolean mysqlFamily = product.contains("mariadb") || product.contains("mysql");
    String text = mysqlFamily ? "LONGTEXT" : "TEXT";
    String timestamp = mysqlFamily ? "DATETIME(6)" : "TIMESTAMP";
    try (Statement ddl = connection.createStatement()) {
      ddl.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " (idempotency_key VARCHAR("
              + MAX_KEY_LENGTH
              + ") NOT NULL PRIMARY KEY, output "
              + text
              + ", recorded_at "
              + timestamp
              + " NOT NULL)");
    }
    connection.commit();
  }

  /** Claims {@code key} in the open transaction; blocks while another transaction holds it. */
  void claim(Connection connection, String key, Instant now) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO " + table + " (idempotency_key, recorded_at) VALUES (?, ?)")) {
      insert.setString(1, key);
      insert.setTimestamp(2, Timestamp.from(now));
      insert.executeUpdate();
    }
  }

  /** Records the output of the command that claimed {@code key} in the open transaction. */
  void complete(Connection connection, String key, String output) throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE " + table + " SET output = ? WHERE idempotency_key = ?")) {
      update.setString(1, output);
      update.setString(2, key);
      update.executeUpdate();
    }
  }

  /** Deletes the entries recorded before {@code before}; returns how many. */
  int purge(Connection connection, Instant before) throws SQLException {
    try (PreparedStatement delete =
        connection.prepareStatement("DELETE FROM " + table + " WHERE recorded_at < ?")) {
      delete.setTimestamp(1, Timestamp.from(before));
      int deleted = delete.executeUpdate();
      connection.commit();
      return deleted;
    }
  }

  /** The output recorded for {@code key}, or {@code null} when it never took effect. */
  String recorded(Connection connection, String key) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT output FROM " + table + " WHERE idempotency_key = ?")) {
      select.setString(1, key);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    }
  }
}
