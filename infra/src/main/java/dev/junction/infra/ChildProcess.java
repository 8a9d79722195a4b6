package dev.junction.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server started as a child process whose output goes to a log file. Stopping it sends SIGTERM to
 * it and its descendants, waits, then kills what is left, so no process outlives its owner's stop.
 */
public final class ChildProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final String name;
  private final Process process;
  private final Path logFile;

  private ChildProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** Guards {@link #refusing}: no process is spawned while a stopping launcher sweeps its own. */
  private static final Object SPAWN = new Object();

  private static boolean refusing;

  /**
   * From now on this JVM starts no child process. A launcher stopping (Ctrl-C while it is still
   * starting the stack) calls this first, then kills what it has started: no child can appear after
   * that sweep and outlive the launcher.
   */
  public static void refuseNewChildren() {
    synchronized (SPAWN) {
      refusing = true;
    }
  }

  /** Starts {@code builder}'s process, unless {@link #refuseNewChildren()} was called. */
  static Process spawn(String name, ProcessBuilder builder) throws IOException {
    synchronized (SPAWN) {
      if (refusing) {
        throw new InfraException(name + " not started: shutting down");
      }
      return builder.start();
    }
  }

  /**
   * Starts {@code command} in {@code workDir}, appending its stdout and stderr to {@code logFile}.
   */
  public static ChildProcess start(
      String name, List<String> command, Path workDir, Map<String, String> env, Path logFile) {
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.environment().putAll(env);
      Process process = spawn(name, builder);
      log.debug("Started {} (pid {}): {}", name, process.pid(), command);
      return new ChildProcess(name, process, logFile);
    } catch (IOException e) {
      throw new InfraException("Could not start " + name + " with " + command, e);
    }
  }

  /** The Java binary of the running JVM, so children run on the same JDK 21+. */
  public static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Runs {@code action} with the exit code once the process has exited, however it ended. */
  public void whenExited(IntConsumer action) {
    process.onExit().thenAccept(exited -> action.accept(exited.exitValue()));
  }

  /**
   * Waits until the process exits, e.g. a command that runs to its end.
   *
   * @return its exit code
   * @throws InfraException when it outlives {@code timeout} (it is stopped then)
   */
  public int awaitExit(Duration timeout) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
      close();
      throw new InfraException(name + " did not end within " + timeout + "; see " + logFile);
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new InfraException("Interrupted while waiting for " + name, e);
    }
  }

  /** Fails with the end of the log when the process has exited, e.g. while waiting for it. */
  public void requireAlive() {
    if (!process.isAlive()) {
      throw new InfraException(
          name
              + " exited with code "
              + process.exitValue()
              + "; last lines of "
              + logFile
              + ":\n"
              + tail(40));
    }
  }

  /** The last {@code lines} lines of the log file. */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM to the process and its descendants, then SIGKILL to whatever outlives the grace. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} (pid {}) did not stop within {}; killing it", name, pid(), STOP_GRACE);
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    log.debug("Stopped {} (pid {})", name, pid());
  }
}
