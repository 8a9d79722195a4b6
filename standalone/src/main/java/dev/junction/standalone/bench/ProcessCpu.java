package dev.junction.standalone.bench;

import java.time.Duration;

/**
 * The CPU time of one process (all its threads, user and system), as the kernel accounts it: {@code
 * ProcessHandle.Info.totalCpuDuration()}, which on Linux reads {@code utime + stime} of {@code
 * /proc/<pid>/stat} (clock ticks, 10 ms each). Over a 10 s phase at one core that is 1,000 ticks,
 * so the figure is good to about 0.1 %.
 *
 * @param name what the process is, for the report and errors
 * @param process the process
 */
record ProcessCpu(String name, ProcessHandle process) {

  static ProcessCpu of(String name, long pid) {
    return new ProcessCpu(
        name,
        ProcessHandle.of(pid)
            .orElseThrow(
                () -> new IllegalStateException(name + " (pid " + pid + ") is not running")));
  }

  /** CPU time used by the process since it started. */
  Duration used() {
    return process
        .info()
        .totalCpuDuration()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the CPU time of " + name + " (pid " + process.pid() + ") cannot be read"));
  }

  /** Cores busy on average: CPU time used over a stretch divided by its wall-clock time. */
  static double cores(Duration before, Duration after, long wallNanos) {
    if (wallNanos <= 0) {
      throw new IllegalArgumentException("wall time must be positive: " + wallNanos + " ns");
    }
    return (after.toNanos() - before.toNanos()) / (double) wallNanos;
  }
}
