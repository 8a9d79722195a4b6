package dev.junction.connector.sql.run;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old ledger entries of every connection at a fixed interval, on a thread of its own, so
 * the ledger tables do not grow without end.
 */
public final class LedgerPurger implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LedgerPurger.class);

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("sql-ledger-purge").daemon().factory());

  /**
   * Starts purging every {@code interval} (first after one interval) entries older than {@code
   * retention}.
   */
  public LedgerPurger(SqlConnector connector, Duration retention, Duration interval) {
    scheduler.scheduleWithFixedDelay(
        () -> {
          int deleted = connector.purgeLedgers(retention);
          if (deleted > 0) {
            log.info("Deleted {} ledger entries older than {}", deleted, retention);
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
