package dev.junction.standalone.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Issue 8's overhead targets, from one run's figures: the gateway adds at most {@value
 * #MAX_ADDED_P50_MS} ms to the backend's p50 at concurrency 1, and serves at least {@value
 * #MIN_PER_CORE} calls per second per core of gateway CPU at concurrency 64.
 */
record PassThroughTargets(
    double directP50Ms, double passthroughP50Ms, double perSecond, double gatewayCores) {

  static final double MAX_ADDED_P50_MS = 0.4;
  static final double MIN_PER_CORE = 8_000;

  /** Whether the run measured what the targets need: both scenarios at concurrency 1 and 64. */
  static boolean measured(Map<String, Map<String, Benchmark.Phase>> results) {
    return results.containsKey("passthrough")
        && results.get("passthrough").keySet().containsAll(java.util.List.of("c1", "c64"))
        && results.get("direct").containsKey("c1");
  }

  static PassThroughTargets of(Map<String, Map<String, Benchmark.Phase>> results) {
    Benchmark.Phase c64 = results.get("passthrough").get("c64");
    return new PassThroughTargets(
        results.get("direct").get("c1").summary().p50Ms(),
        results.get("passthrough").get("c1").summary().p50Ms(),
        c64.summary().perSecond(),
        c64.cpuCores().get(PassThroughBench.GATEWAY));
  }

  double addedP50Ms() {
    return passthroughP50Ms - directP50Ms;
  }

  double perCore() {
    return perSecond / gatewayCores;
  }

  boolean latencyMet() {
    return addedP50Ms() <= MAX_ADDED_P50_MS;
  }

  boolean throughputMet() {
    return perCore() >= MIN_PER_CORE;
  }

  /** The comparison as {@code bin/junction bench} prints it. */
  String report() {
    return """
        pass-through against issue 8's targets (same run, same backend):
          c1 p50: %.3f ms through the gateway, %.3f ms direct: the gateway adds %.3f ms \
        (target <= %.1f ms): %s
          c64: %.0f calls/s on %.3f cores of gateway CPU = %.0f calls/s per core \
        (target >= %.0f): %s
        """
        .formatted(
            passthroughP50Ms,
            directP50Ms,
            addedP50Ms(),
            MAX_ADDED_P50_MS,
            latencyMet() ? "PASS" : "FAIL",
            perSecond,
            gatewayCores,
            perCore(),
            MIN_PER_CORE,
            throughputMet() ? "PASS" : "FAIL");
  }

  /** The comparison as written by {@code --json}. */
  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("added_p50_ms", Benchmark.round(addedP50Ms()));
    json.put("added_p50_ms_max", MAX_ADDED_P50_MS);
    json.put("added_p50_ms_pass", latencyMet());
    json.put("per_s_per_gateway_core", Benchmark.round(perCore()));
    json.put("per_s_per_gateway_core_min", MIN_PER_CORE);
    json.put("per_s_per_gateway_core_pass", throughputMet());
    return json;
  }
}
