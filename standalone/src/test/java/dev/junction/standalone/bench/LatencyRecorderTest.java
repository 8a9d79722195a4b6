package dev.junction.standalone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  @Test
  void summarisesPercentilesAcrossWorkersAndThroughput() {
    LatencyRecorder recorder = new LatencyRecorder(2, 100);
    for (int i = 1; i <= 50; i++) {
      recorder.record(0, i * 1_000_000L);
      recorder.record(1, (50 + i) * 1_000_000L);
    }
    recorder.error();

    LatencyRecorder.Summary summary = recorder.summarise(2.0);

    assertThat(summary.p50Ms()).isEqualTo(50.0);
    assertThat(summary.p99Ms()).isEqualTo(99.0);
    assertThat(summary.perSecond()).isEqualTo(50.0);
    assertThat(summary.calls()).isEqualTo(100);
    assertThat(summary.errors()).isEqualTo(1);
  }

  @Test
  void reportsNoLatencyWhenNothingCompleted() {
    assertThat(new LatencyRecorder(1, 10).summarise(1.0).p50Ms()).isNaN();
  }
}
