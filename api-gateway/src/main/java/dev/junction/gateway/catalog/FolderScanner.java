package dev.junction.gateway.catalog;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a configuration folder for changes at a fixed interval, on a daemon thread of its own, for
 * a service that reloads what it reads from there (the API catalog, the products). A failed scan is
 * logged and retried at the next one: a folder being replaced (git checkout, editor save) can
 * vanish for a moment, and what the service serves is untouched meanwhile.
 */
public final class FolderScanner {

  private static final Logger log = LoggerFactory.getLogger(FolderScanner.class);

  private final String threadName;
  private final String folder;
  private final Duration interval;
  private final Runnable reloadIfChanged;
  private ScheduledExecutorService scanner;

  /**
   * @param threadName the scanning thread's name
   * @param folder what is scanned, for the log, e.g. {@code the API catalog folder}
   * @param reloadIfChanged one scan: reload when the folder changed
   */
  public FolderScanner(
      String threadName, String folder, Duration interval, Runnable reloadIfChanged) {
    this.threadName = threadName;
    this.folder = folder;
    this.interval = interval;
    this.reloadIfChanged = reloadIfChanged;
  }

  public synchronized void start() {
    scanner =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().name(threadName).daemon().unstarted(runnable));
    long millis = interval.toMillis();
    scanner.scheduleWithFixedDelay(this::scan, millis, millis, TimeUnit.MILLISECONDS);
  }

  public synchronized void stop() {
    if (scanner != null) {
      scanner.shutdownNow();
      scanner = null;
    }
  }

  public synchronized boolean isRunning() {
    return scanner != null;
  }

  private void scan() {
    try {
      reloadIfChanged.run();
    } catch (UncheckedIOException e) {
      log.warn("Scanning {} failed; will retry: {}", folder, e.getMessage());
    }
  }
}
