package dev.junction.connector.support.invoke;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@link Invocation} into a {@link Completion}: checks the connection, the operation and
 * the deadline, lets the {@link Connector} perform it and classifies every failure, so each
 * readable command gets exactly one outcome. Counts calls and times them per connection. Knows
 * nothing of Kafka.
 */
public final class Invoker {

  /** Metric: commands handled, tags {@code connection} and {@code outcome}. */
  public static final String CALLS_METRIC = "junction.connector.calls";

  /** Metric: time spent performing commands (backend calls), tag {@code connection}. */
  public static final String DURATION_METRIC = "junction.connector.duration";

  /** Characters of outputs kept for duplicates: 16 outputs of 1 MiB, or many small. */
  private static final long DUPLICATE_WINDOW_CHARS = 16L * 1024 * 1024;

  /** Tag value for connections not configured: command data must not create new time series. */
  static final String UNKNOWN_CONNECTION = "unknown";

  private static final Logger log = LoggerFactory.getLogger(Invoker.class);

  private final Connector connector;
  private final String connectorName;
  private final MeterRegistry meters;
  private final Clock clock;
  private final RecentResults recent;

  /**
   * @param connector performs the commands
   * @param connectorName named in errors, e.g. {@code http-connector}
   * @param duplicateWindow how many recent results to answer redelivered commands from without
   *     performing them again; {@code 0} when the connector deduplicates itself (e.g. in the
   *     backend's own transaction)
   */
  public Invoker(
      Connector connector,
      String connectorName,
      MeterRegistry meters,
      Clock clock,
      int duplicateWindow) {
    this.connector = connector;
    this.connectorName = connectorName;
    this.meters = meters;
    this.clock = clock;
    this.recent =
        duplicateWindow > 0 ? new RecentResults(duplicateWindow, DUPLICATE_WINDOW_CHARS) : null;
  }

  /**
   * Performs the invocation, or answers a duplicate (same idempotency key) with the earlier result
   * without performing it again.
   *
   * @throws InterruptedException when the thread is interrupted during the call (shutdown)
   */
  public Completion invoke(Invocation invocation) throws InterruptedException {
    Completion earlier = recent == null ? null : recent.get(invocation.idempotencyKey());
    if (earlier != null) {
      log.debug(
          "Command {} seen before: answering with its earlier {} result",
          invocation.idempotencyKey(),
          earlier.result().outcome());
      return earlier;
    }
    boolean known = connector.connections().contains(invocation.connection());
    String connectionTag = known ? invocation.connection() : UNKNOWN_CONNECTION;
    Completion completion;
    try {
      completion = known ? perform(invocation) : fatal("unknown connection", invocation);
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
    if (recent != null) {
      recent.put(invocation.idempotencyKey(), completion);
    }
    Counter.builder(CALLS_METRIC)
        .description("Commands handled by the connector, by connection and outcome")
        .tag("connection", connectionTag)
        .tag("outcome", completion.result().outcome().name())
        .register(meters)
        .increment();
    return completion;
  }

  private Completion perform(Invocation invocation) throws InterruptedException {
    String connection = invocation.connection();
    if (!connector.operations().contains(invocation.operation())) {
      return new Completion(
          new CallResult.FatalError(
              "connection '"
                  + connection
                  + "': unknown operation '"
                  + shortened(invocation.operation())
                  + "' (the "
                  + connectorName
                  + " offers "
                  + connector.operations().stream().sorted().map(o -> "'" + o + "'").toList()
                  + ")"),
          Duration.ZERO);
    }
    Duration timeLeft = Invocation.NO_DEADLINE;
    if (invocation.deadline() != null) {
      timeLeft = Duration.between(clock.instant(), invocation.deadline());
      if (timeLeft.isNegative() || timeLeft.isZero()) {
        // Nobody awaits the result any more: a side effect now would be one nobody asked for.
        return new Completion(
            new CallResult.RetryableError(
                null, "connection '" + connection + "': deadline passed before the call"),
            Duration.ZERO);
      }
    }
    Timer timer =
        Timer.builder(DURATION_METRIC)
            .description("Time spent performing commands, by connection")
            .tag("connection", connection)
            .register(meters);
    long start = System.nanoTime();
    CallResult result = connector.perform(invocation, timeLeft);
    Duration duration = Duration.ofNanos(System.nanoTime() - start);
    timer.record(duration);
    return new Completion(result, duration);
  }

  private static Completion fatal(String what, Invocation invocation) {
    return new Completion(
        new CallResult.FatalError(what + " '" + shortened(invocation.connection()) + "'"),
        Duration.ZERO);
  }

  private static String shortened(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
