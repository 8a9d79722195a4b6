package dev.junction.standalone.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pass-through scenario's parts, without a stack: figures, targets, JSON, load and backend. */
class PassThroughBenchTest {

  @Test
  void cpuCoresAreCpuTimeOverWallTime() {
    assertThat(ProcessCpu.cores(Duration.ofMillis(1_000), Duration.ofMillis(3_500), 2_000_000_000L))
        .isEqualTo(1.25);
    assertThatThrownBy(() -> ProcessCpu.cores(Duration.ZERO, Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsTheCpuTimeOfAProcessFromTheKernel() {
    ProcessCpu self = ProcessCpu.of("test", ProcessHandle.current().pid());
    Duration before = self.used();
    long spin = System.nanoTime() + 200_000_000L;
    long sink = 0;
    while (System.nanoTime() < spin) {
      sink += Long.hashCode(sink + System.nanoTime());
    }
    assertThat(self.used()).as("after spinning (%d)", sink).isGreaterThan(before);
    assertThatThrownBy(() -> ProcessCpu.of("gone", Long.MAX_VALUE))
        .hasMessageContaining("is not running");
  }

  @Test
  void comparesWithTheTargets() {
    PassThroughTargets met = new PassThroughTargets(0.20, 0.55, 9_000, 1.0);
    assertThat(met.addedP50Ms()).isCloseTo(0.35, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(met.perCore()).isEqualTo(9_000);
    assertThat(met.latencyMet()).isTrue();
    assertThat(met.throughputMet()).isTrue();
    assertThat(met.report())
        .contains("adds 0.350 ms (target <= 0.4 ms): PASS", "(target >= 8000): PASS");

    PassThroughTargets missed = new PassThroughTargets(0.20, 0.61, 6_000, 0.9);
    assertThat(missed.latencyMet()).isFalse();
    assertThat(missed.perCore()).isCloseTo(6_666.7, org.assertj.core.data.Offset.offset(0.1));
    assertThat(missed.throughputMet()).isFalse();
    assertThat(missed.report())
        .contains("(target <= 0.4 ms): FAIL", "6667 calls/s per core (target >= 8000): FAIL");
  }

  @Test
  void writesPassthroughAndDirectShapedLikeTheFloorWithGatewayCpu() {
    Map<String, Map<String, Benchmark.Phase>> results = new LinkedHashMap<>();
    results.put(
        "direct", phases(phase(0.1, 1_000, Map.of()), phase(0.9, 40_000, Map.of("gateway", 0.01))));
    results.put(
        "passthrough",
        phases(
            phase(0.4, 2_000, Map.of("gateway", 0.3)),
            phase(6.0, 10_000, Map.of("gateway", 1.25, "backend", 0.2))));

    Map<String, Object> json = Benchmark.json(results, null);

    assertThat(json).containsKeys("direct", "passthrough", "passthrough_targets");
    assertThat(json).doesNotContainKeys("connector_http", "kafka_round_trips_per_call");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> passthrough =
        (Map<String, Map<String, Object>>) json.get("passthrough");
    assertThat(passthrough.get("c1")).containsKeys("p50_ms", "p99_ms", "per_s");
    assertThat(passthrough.get("c64"))
        .containsEntry("p50_ms", 6.0)
        .containsEntry("per_s", 10_000.0)
        .containsEntry("gateway_cpu_cores", 1.25)
        .containsEntry("backend_cpu_cores", 0.2);
    @SuppressWarnings("unchecked")
    Map<String, Object> targets = (Map<String, Object>) json.get("passthrough_targets");
    assertThat(targets)
        .containsEntry("added_p50_ms", 0.3)
        .containsEntry("added_p50_ms_pass", true)
        .containsEntry("per_s_per_gateway_core", 8_000.0)
        .containsEntry("per_s_per_gateway_core_pass", true);
  }

  @Test
  void loadRunsClosedLoopAgainstTheBackendAndCountsUnexpectedStatuses() throws Exception {
    try (BenchBackend backend = BenchBackend.start(InetAddress.getLoopbackAddress(), 0)) {
      URI uri = URI.create("http://127.0.0.1:" + backend.port() + PassThroughBench.BACKEND_PATH);
      LatencyRecorder answered = new LatencyRecorder(4, 1 << 16);
      try (HttpLoad load = new HttpLoad(uri, Map.of("Authorization", "Bearer x"), 200)) {
        load.run(4, Duration.ofMillis(300), answered);
      }
      LatencyRecorder.Summary summary = answered.summarise(0.3);
      assertThat(summary.calls()).isPositive(); // few on a loaded machine: Netty's first calls
      assertThat(summary.errors()).isZero();

      LatencyRecorder refused = new LatencyRecorder(2, 1 << 16);
      try (HttpLoad load = new HttpLoad(uri, Map.of(), 201)) {
        load.run(2, Duration.ofMillis(100), refused);
      }
      assertThat(refused.summarise(0.1).calls()).isZero();
      assertThat(refused.errors()).isGreaterThan(0);
    }
  }

  @Test
  void countsCallsToAPortThatNobodyServesAsErrors() throws Exception {
    int port;
    try (BenchBackend backend = BenchBackend.start(InetAddress.getLoopbackAddress(), 0)) {
      port = backend.port();
    }
    LatencyRecorder recorder = new LatencyRecorder(1, 16);
    try (HttpLoad load =
        new HttpLoad(URI.create("http://127.0.0.1:" + port + "/"), Map.of(), 200)) {
      load.run(1, Duration.ofMillis(250), recorder); // refused, retried after 100 ms, refused
    }
    assertThat(recorder.errors()).isGreaterThan(0);
  }

  @Test
  void readsTheBackendsPortFromItsOutput() {
    assertThat(BenchBackend.port("starting\n" + BenchBackend.READY + "40123\n")).isEqualTo(40123);
    assertThatThrownBy(() -> BenchBackend.port("starting")).hasMessageContaining("did not say");
  }

  private static Map<String, Benchmark.Phase> phases(Benchmark.Phase c1, Benchmark.Phase c64) {
    Map<String, Benchmark.Phase> phases = new LinkedHashMap<>();
    phases.put("c1", c1);
    phases.put("c64", c64);
    return phases;
  }

  private static Benchmark.Phase phase(double p50, double perSecond, Map<String, Double> cores) {
    return new Benchmark.Phase(
        new LatencyRecorder.Summary(p50, p50 * 3, perSecond, (long) perSecond * 10, 0),
        new LinkedHashMap<>(cores));
  }
}
