package dev.junction.contract.tracing;

import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * Which spans a service records. A recorded span costs its attributes, its end and a place in the
 * export queue; a span that is not recorded is only a pair of ids that still travel in {@code
 * traceparent} (so the logs' {@code traceId} and the trace context on every hop stay). Without a
 * span exporter nothing would ever read a recorded span, so then nothing is recorded.
 */
public final class TraceSampling {

  private TraceSampling() {}

  /**
   * @param exporting whether a span exporter is configured (an OTLP endpoint)
   * @param probability share of new traces recorded ({@code management.tracing.sampling
   *     .probability}); a trace started elsewhere follows its caller's decision
   */
  public static Sampler sampler(boolean exporting, double probability) {
    return exporting
        ? Sampler.parentBased(Sampler.traceIdRatioBased(probability))
        : Sampler.alwaysOff();
  }
}
