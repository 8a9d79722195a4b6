package dev.junction.contract.tracing;

import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link KafkaTracing} over a real OpenTelemetry SDK (the same bridge the services use) that
 * keeps every ended span in memory, for tests without a collector.
 */
public final class RecordingTracing {

  private final List<SpanData> spans = new CopyOnWriteArrayList<>();
  private final KafkaTracing tracing;

  public RecordingTracing() {
    SpanExporter exporter =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    io.opentelemetry.api.trace.Tracer otel =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build()
            .get("test");
    this.tracing =
        new KafkaTracing(
            new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {}),
            new OtelPropagator(
                ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel));
  }

  public KafkaTracing tracing() {
    return tracing;
  }

  /** The spans ended so far, in the order they ended. */
  public List<SpanData> spans() {
    return List.copyOf(spans);
  }
}
