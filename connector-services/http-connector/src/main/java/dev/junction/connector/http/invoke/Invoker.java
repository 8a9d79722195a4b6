package dev.junction.connector.http.invoke;

import dev.junction.connector.http.call.CallResult;
import dev.junction.connector.http.call.HttpConnection;
import dev.junction.connector.http.call.HttpOperation;
import dev.junction.connector.http.call.HttpRequestInput;
import dev.junction.connector.http.call.InvalidInputException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an {@link Invocation} into a {@link Completion}: finds the connection and operation, reads
 * the input, performs the call and classifies every failure, so each readable command gets exactly
 * one outcome. Knows nothing of Kafka.
 */
public final class Invoker {

  /** Metric: commands handled, tags {@code connection} and {@code outcome}. */
  public static final String CALLS_METRIC = "junction.connector.calls";

  /** Metric: time spent calling backends, tag {@code connection}. */
  public static final String DURATION_METRIC = "junction.connector.duration";

  /** Characters of outputs kept for duplicates: 16 outputs of the largest size, or many small. */
  private static final long DUPLICATE_WINDOW_CHARS = 16L * HttpOperation.MAX_RESPONSE_BYTES;

  /** Tag value for connections not configured: command data must not create new time series. */
  static final String UNKNOWN_CONNECTION = "unknown";

  private static final Logger log = LoggerFactory.getLogger(Invoker.class);

  private final Map<String, HttpConnection> connections;
  private final HttpOperation operation;
  private final JsonMapper json;
  private final MeterRegistry meters;
  private final Clock clock;
  private final RecentResults recent;

  public Invoker(
      Map<String, HttpConnection> connections,
      HttpOperation operation,
      JsonMapper json,
      MeterRegistry meters,
      Clock clock,
      int duplicateWindow) {
    this.connections = Map.copyOf(connections);
    this.operation = operation;
    this.json = json;
    this.meters = meters;
    this.clock = clock;
    this.recent = new RecentResults(duplicateWindow, DUPLICATE_WINDOW_CHARS);
  }

  /**
   * Performs the invocation, or answers a duplicate (same idempotency key) with the earlier result
   * without calling the backend again.
   *
   * @throws InterruptedException when the thread is interrupted during the call (shutdown)
   */
  public Completion invoke(Invocation invocation) throws InterruptedException {
    Completion earlier = recent.get(invocation.idempotencyKey());
    if (earlier != null) {
      log.debug(
          "Command {} seen before: answering with its earlier {} result",
          invocation.idempotencyKey(),
          earlier.result().outcome());
      return earlier;
    }
    String connectionTag =
        connections.containsKey(invocation.connection())
            ? invocation.connection()
            : UNKNOWN_CONNECTION;
    Completion completion;
    try {
      completion = perform(invocation);
    } catch (RuntimeException e) {
      // A defect in the connector, not a property of the backend: a retry would meet it again.
      log.error(
          "Command {} on connection {} failed inside the connector",
          invocation.idempotencyKey(),
          connectionTag,
          e);
      completion =
          new Completion(
              new CallResult.FatalError(
                  "connector internal error (" + e.getClass().getSimpleName() + ")"),
              Duration.ZERO);
    }
    recent.put(invocation.idempotencyKey(), completion);
    Counter.builder(CALLS_METRIC)
        .description("Commands handled by the connector, by connection and outcome")
        .tag("connection", connectionTag)
        .tag("outcome", completion.result().outcome().name())
        .register(meters)
        .increment();
    return completion;
  }

  private Completion perform(Invocation invocation) throws InterruptedException {
    HttpConnection connection = connections.get(invocation.connection());
    if (connection == null) {
      return fatal("unknown connection '" + shortened(invocation.connection()) + "'");
    }
    String prefix = "connection '" + connection.name() + "': ";
    if (!HttpOperation.NAME.equals(invocation.operation())) {
      return fatal(
          prefix
              + "unknown operation '"
              + shortened(invocation.operation())
              + "' (the http-connector offers '"
              + HttpOperation.NAME
              + "')");
    }
    HttpRequestInput input;
    try {
      input = HttpRequestInput.parse(invocation.input(), json);
    } catch (InvalidInputException e) {
      return fatal(prefix + e.getMessage());
    }
    Duration timeout = connection.timeout();
    if (invocation.deadline() != null) {
      Duration left = Duration.between(clock.instant(), invocation.deadline());
      if (left.isNegative() || left.isZero()) {
        // Nobody awaits the result any more: a side effect now would be one nobody asked for.
        return new Completion(
            new CallResult.RetryableError(null, prefix + "deadline passed before the call"),
            Duration.ZERO);
      }
      timeout = left.compareTo(timeout) < 0 ? left : timeout;
    }
    Timer timer =
        Timer.builder(DURATION_METRIC)
            .description("Time spent calling backends, by connection")
            .tag("connection", connection.name())
            .register(meters);
    long start = System.nanoTime();
    CallResult result = operation.call(connection, input, invocation.idempotencyKey(), timeout);
    Duration duration = Duration.ofNanos(System.nanoTime() - start);
    timer.record(duration);
    return new Completion(result, duration);
  }

  private static Completion fatal(String error) {
    return new Completion(new CallResult.FatalError(error), Duration.ZERO);
  }

  private static String shortened(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
