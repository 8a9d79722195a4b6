package dev.junction.connector.http.call;

import dev.junction.connector.http.resilience.ConnectionGuard;
import dev.junction.connector.support.invoke.CallResult;
import dev.junction.connector.support.invoke.Connector;
import dev.junction.connector.support.invoke.InvalidInputException;
import dev.junction.connector.support.invoke.Invocation;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * The http-connector's {@link Connector}: operation {@value HttpOperation#NAME} on its named
 * connections. Reads the input and performs the call through the connection's {@link
 * ConnectionGuard} (retry, circuit breaker, bulkhead) within the connection's timeout and the
 * command's deadline.
 */
public final class HttpConnector implements Connector {

  private final Map<String, HttpConnection> connections;
  private final Map<String, ConnectionGuard> guards;
  private final HttpOperation operation;
  private final JsonMapper json;

  /**
   * @param guards one per connection
   */
  public HttpConnector(
      Map<String, HttpConnection> connections,
      Map<String, ConnectionGuard> guards,
      HttpOperation operation,
      JsonMapper json) {
    this.connections = Map.copyOf(connections);
    this.guards = Map.copyOf(guards);
    this.operation = operation;
    this.json = json;
    if (!this.guards.keySet().equals(this.connections.keySet())) {
      throw new IllegalArgumentException("every connection needs its guard, and only those");
    }
  }

  @Override
  public Set<String> connections() {
    return connections.keySet();
  }

  @Override
  public Set<String> operations() {
    return Set.of(HttpOperation.NAME);
  }

  @Override
  public CallResult perform(Invocation invocation, Duration timeLeft) throws InterruptedException {
    HttpConnection connection = connections.get(invocation.connection());
    HttpRequestInput input;
    try {
      input = HttpRequestInput.parse(invocation.input(), json);
    } catch (InvalidInputException e) {
      return new CallResult.FatalError("connection '" + connection.name() + "': " + e.getMessage());
    }
    return guards
        .get(connection.name())
        .call(
            timeout ->
                operation.exchange(
                    connection,
                    input,
                    invocation.idempotencyKey(),
                    invocation.traceparent(),
                    timeout),
            Invocation.limit(connection.timeout(), timeLeft));
  }
}
