package dev.junction.connector.http.call;

import dev.junction.connector.support.invoke.CallResult;
import dev.junction.connector.support.invoke.Connector;
import dev.junction.connector.support.invoke.Invocation;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * The http-connector's {@link Connector}: operation {@value HttpOperation#NAME} on its named
 * connections. Reads the input and performs the call within the connection's timeout and the
 * command's deadline.
 */
public final class HttpConnector implements Connector {

  private final Map<String, HttpConnection> connections;
  private final HttpOperation operation;
  private final JsonMapper json;

  public HttpConnector(
      Map<String, HttpConnection> connections, HttpOperation operation, JsonMapper json) {
    this.connections = Map.copyOf(connections);
    this.operation = operation;
    this.json = json;
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
    return operation.call(
        connection,
        input,
        invocation.idempotencyKey(),
        Invocation.limit(connection.timeout(), timeLeft));
  }
}
