package dev.junction.orchestrator;

import dev.junction.orchestrator.workflow.WorkflowCatalog;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Rescans the workflow folder periodically. A scan reads only small files and compares hashes, so
 * polling is cheap and, unlike a WatchService, works on every file system (mounted volumes,
 * ConfigMaps whose files are swapped by symlink).
 */
final class WorkflowReloader implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WorkflowReloader.class);

  private final WorkflowCatalog catalog;
  private final Duration interval;
  private final Runnable onChange;
  private ScheduledExecutorService scheduler;

  /**
   * @param onChange runs after a scan changed the definitions (e.g. to create new connectors'
   *     topics)
   */
  WorkflowReloader(WorkflowCatalog catalog, Duration interval, Runnable onChange) {
    this.catalog = catalog;
    this.interval = interval;
    this.onChange = onChange;
  }

  @Override
  public synchronized void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("workflow-reloader").daemon().unstarted(r));
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::scan, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void scan() {
    // a task that throws is never scheduled again, so every failure is logged and the next scan
    // tries again
    try {
      if (catalog.reload()) {
        onChange.run();
      }
    } catch (RuntimeException e) {
      log.error("Reloading workflow definitions failed; retrying in {}", interval, e);
    }
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
