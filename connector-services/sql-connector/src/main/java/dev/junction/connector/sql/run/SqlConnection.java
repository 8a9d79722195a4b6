package dev.junction.connector.sql.run;

import dev.junction.connector.sql.statement.NamedStatement;
import dev.junction.connector.sql.statement.StatementKind;
import dev.junction.connector.support.invoke.CallResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One named database: its pool, its named statements and its ledger. Runs the statements of one
 * command in one transaction together with the command's ledger entry, so the command takes effect
 * at most once and a redelivery is answered with the output of the first.
 */
public final class SqlConnection {

  private static final Logger log = LoggerFactory.getLogger(SqlConnection.class);

  private final String name;
  private final DataSource dataSource;
  private final Map<String, NamedStatement> statements;
  private final Duration timeout;
  private final Ledger ledger;
  private final JsonMapper json;
  private final Clock clock;
  private volatile boolean ledgerReady;

  /**
   * @param name the name commands use
   * @param dataSource a pool handing out connections with auto-commit off
   * @param statements the named statements, the only SQL this connection runs
   * @param timeout the longest one command's transaction may take
   * @param ledgerTable the table of idempotency keys; created if missing
   */
  public SqlConnection(
      String name,
      DataSource dataSource,
      Map<String, NamedStatement> statements,
      Duration timeout,
      String ledgerTable,
      JsonMapper json,
      Clock clock) {
    this.name = name;
    this.dataSource = dataSource;
    this.statements = Map.copyOf(statements);
    this.timeout = timeout;
    this.ledger = new Ledger(ledgerTable);
    this.json = json;
    this.clock = clock;
  }

  public String name() {
    return name;
  }

  public Map<String, NamedStatement> statements() {
    return statements;
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * Runs {@code calls} in one transaction with the ledger entry of {@code idempotencyKey}, or
   * answers with the output recorded for that key when it already took effect.
   *
   * @param limit the time the whole transaction may take
   */
  public CallResult execute(String idempotencyKey, List<SqlInput.Call> calls, Duration limit) {
    String prefix = "connection '" + name + "'";
    if (idempotencyKey.length() > Ledger.MAX_KEY_LENGTH) {
      return new CallResult.FatalError(
          prefix + ": idempotency key longer than " + Ledger.MAX_KEY_LENGTH + " characters");
    }
    long deadline = System.nanoTime() + limit.toNanos();
    try (Connection connection = dataSource.getConnection()) {
      ensureLedger(connection);
      return transaction(connection, idempotencyKey, calls, deadline, prefix);
    } catch (SQLException e) {
      log.debug("Command {} on connection {} failed", idempotencyKey, name, e);
      return SqlFailures.classify(prefix, e);
    }
  }

  /**
   * Deletes ledger entries older than {@code retention}: commands that old are not redelivered any
   * more. Does nothing before the ledger exists; a failure is logged and left for the next run.
   *
   * @return entries deleted
   */
  public int purgeLedger(Duration retention) {
    if (!ledgerReady) {
      return 0;
    }
    try (Connection connection = dataSource.getConnection()) {
      int deleted = ledger.purge(connection, clock.instant().minus(retention));
      log.debug("Connection {}: {} ledger entries older than {} deleted", name, deleted, retention);
      return deleted;
    } catch (SQLException e) {
      log.warn(
          "Connection {}: ledger purge failed ({}), retried at the next run",
          name,
          SqlFailures.sqlState(e));
      return 0;
    }
  }

  private void ensureLedger(Connection connection) throws SQLException {
    if (!ledgerReady) {
      synchronized (this) {
        if (!ledgerReady) {
          ledger.create(connection);
          ledgerReady = true;
          log.info("Connection {}: ledger table {} ready", name, ledger.table());
        }
      }
    }
  }

  private CallResult transaction(
      Connection connection, String key, List<SqlInput.Call> calls, long deadline, String prefix)
      throws SQLException {
    String earlier = ledger.recorded(connection, key);
    if (earlier == null) {
      try {
        ledger.claim(connection, key, clock.instant());
      } catch (SQLException e) {
        rollback(connection, e);
        if (!"23".equals(classOf(e))) {
          throw e;
        }
        // Another delivery of this command committed while this one waited for the key.
        earlier = ledger.recorded(connection, key);
        if (earlier == null) {
          throw e;
        }
      }
    }
    if (earlier != null) {
      connection.rollback();
      log.debug("Command {} took effect before: answering with its recorded output", key);
      return new CallResult.Succeeded(earlier);
    }
    String current = calls.getFirst().statement().name();
    try {
      ArrayNode results = json.createArrayNode();
      for (SqlInput.Call call : calls) {
        current = call.statement().name();
        results.add(run(connection, call, deadline));
      }
      String output = json.writeValueAsString(calls.size() == 1 ? results.get(0) : wrap(results));
      ledger.complete(connection, key, output);
      connection.commit();
      return new CallResult.Succeeded(output);
    } catch (SQLException e) {
      rollback(connection, e);
      log.debug("Command {}: statement {} failed on connection {}", key, current, name, e);
      return SqlFailures.classify(prefix + ": statement '" + current + "'", e);
    } catch (JsonRows.TooManyRowsException e) {
      rollback(connection, e);
      return new CallResult.FatalError(
          prefix
              + ": statement '"
              + current
              + "' returned more than "
              + statements.get(current).maxRows()
              + " rows");
    } catch (RuntimeException e) {
      rollback(connection, e);
      throw e;
    }
  }

  private ObjectNode run(Connection connection, SqlInput.Call call, long deadline)
      throws SQLException, JsonRows.TooManyRowsException {
    NamedStatement statement = call.statement();
    long leftNanos = deadline - System.nanoTime();
    if (leftNanos <= 0) {
      throw new java.sql.SQLTimeoutException("no time left before " + statement.name());
    }
    try (PreparedStatement prepared = connection.prepareStatement(statement.jdbcSql())) {
      // JDBC counts whole seconds; round up so a short budget is not "no limit" (0).
      prepared.setQueryTimeout((int) Math.max(1, Math.ceilDiv(leftNanos, 1_000_000_000L)));
      Object[] values = statement.bind(call.params());
      for (int i = 0; i < values.length; i++) {
        StatementCreatorUtils.setParameterValue(
            prepared, i + 1, SqlTypeValue.TYPE_UNKNOWN, values[i]);
      }
      ObjectNode result = json.createObjectNode().put("statement", statement.name());
      if (statement.kind() == StatementKind.QUERY) {
        prepared.setMaxRows(statement.maxRows() + 1);
        try (ResultSet rows = prepared.executeQuery()) {
          result.set("rows", JsonRows.read(rows, statement.maxRows(), json.getNodeFactory()));
        }
      } else {
        result.put("affected", prepared.executeLargeUpdate());
      }
      return result;
    }
  }

  private ObjectNode wrap(ArrayNode results) {
    ObjectNode output = json.createObjectNode();
    output.set("results", results);
    return output;
  }

  /** Rolls back after {@code failure}; a failing rollback (dead connection) is attached to it. */
  private void rollback(Connection connection, Exception failure) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
      log.warn("Connection {}: rollback failed ({})", name, e.getClass().getSimpleName());
    }
  }

  private static String classOf(SQLException failure) {
    String state = SqlFailures.sqlState(failure);
    return state == null || state.length() < 2 ? "" : state.substring(0, 2);
  }
}
