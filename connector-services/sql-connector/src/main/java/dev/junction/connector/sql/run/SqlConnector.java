package dev.junction.connector.sql.run;

import dev.junction.connector.support.invoke.CallResult;
import dev.junction.connector.support.invoke.Connector;
import dev.junction.connector.support.invoke.InvalidInputException;
import dev.junction.connector.support.invoke.Invocation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sql-connector's {@link Connector}: operations {@code query}, {@code update} and {@code
 * transaction} of named statements on named connections.
 */
public final class SqlConnector implements Connector {

  private final Map<String, SqlConnection> connections;
  private final JsonMapper json;

  public SqlConnector(Map<String, SqlConnection> connections, JsonMapper json) {
    this.connections = Map.copyOf(connections);
    this.json = json;
  }

  /** Deletes every connection's ledger entries older than {@code retention}. */
  public int purgeLedgers(Duration retention) {
    return connections.values().stream().mapToInt(c -> c.purgeLedger(retention)).sum();
  }

  @Override
  public Set<String> connections() {
    return connections.keySet();
  }

  @Override
  public Set<String> operations() {
    return SqlInput.OPERATIONS;
  }

  @Override
  public CallResult perform(Invocation invocation, Duration timeLeft) {
    SqlConnection connection = connections.get(invocation.connection());
    List<SqlInput.Call> calls;
    try {
      calls =
          SqlInput.parse(invocation.operation(), invocation.input(), connection.statements(), json);
    } catch (InvalidInputException e) {
      return new CallResult.FatalError("connection '" + connection.name() + "': " + e.getMessage());
    }
    return connection.execute(
        invocation.idempotencyKey(), calls, Invocation.limit(connection.timeout(), timeLeft));
  }
}
