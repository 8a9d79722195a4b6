package dev.junction.standalone.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/** Latencies of one measured phase, summarised as p50, p99 and throughput. */
final class LatencyRecorder {
  private final long[][] perWorker;
  private final int[] counts;
  private final AtomicLong errors = new AtomicLong();

  LatencyRecorder(int workers, int capacityPerWorker) {
    perWorker = new long[workers][capacityPerWorker];
    counts = new int[workers];
  }

  /** Called by worker {@code worker} only, so no locking is needed. */
  void record(int worker, long nanos) {
    if (counts[worker] < perWorker[worker].length) {
      perWorker[worker][counts[worker]++] = nanos;
    }
  }

  void error() {
    errors.incrementAndGet();
  }

  long errors() {
    return errors.get();
  }

  Summary summarise(double seconds) {
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int offset = 0;
    for (int w = 0; w < perWorker.length; w++) {
      System.arraycopy(perWorker[w], 0, all, offset, counts[w]);
      offset += counts[w];
    }
    Arrays.sort(all);
    return new Summary(
        percentile(all, 0.50), percentile(all, 0.99), total / seconds, total, errors());
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1_000_000.0;
  }

  /** Figures of one phase: latency percentiles in milliseconds and completed calls per second. */
  record Summary(double p50Ms, double p99Ms, double perSecond, long calls, long errors) {}
}
