package dev.junction.contract.tracing;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.junction.contract.CloudEventHeaders;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Spans around Kafka records, with the W3C trace context ({@code traceparent}) in the record
 * headers: the service that handles a record continues the trace of the span that produced it, and
 * every record it produces in turn carries its own span. Micrometer Tracing's {@link Propagator}
 * reads and writes the headers (and {@code tracestate}/{@code baggage} when present).
 *
 * <p>Spans are made with the {@link Tracer} directly rather than through Micrometer Observations:
 * an observation would also time itself into a meter, on the request path, for every record. {@link
 * #NOOP} (no tracer) makes no-op spans and writes no header.
 */
public final class KafkaTracing {

  /** Span tag naming the run a span works for (to find a run's trace in a tracing UI). */
  public static final String RUN_ID_TAG = "junction.run_id";

  /** No spans, no headers. */
  public static final KafkaTracing NOOP = new KafkaTracing(Tracer.NOOP, Propagator.NOOP);

  private static final Propagator.Getter<Headers> HEADER_GETTER =
      (headers, name) -> {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
      };

  /** Replaces a header of the same name: a record carries one trace context, its producer's. */
  private static final Propagator.Setter<Headers> HEADER_SETTER =
      (headers, name, value) -> {
        if (headers != null) {
          headers.remove(name);
          headers.add(name, value.getBytes(UTF_8));
        }
      };

  private final Tracer tracer;
  private final Propagator propagator;

  public KafkaTracing(Tracer tracer, Propagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  /** With the application's tracer and propagator, or {@link #NOOP} when either is missing. */
  public static KafkaTracing of(Tracer tracer, Propagator propagator) {
    return tracer == null || propagator == null ? NOOP : new KafkaTracing(tracer, propagator);
  }

  /**
   * Starts a {@code CONSUMER} span for handling a record: a child of the span named by the record's
   * {@code traceparent}, or the root of a new trace when it has none.
   */
  public Span receive(String name, Headers headers) {
    return propagator.extract(headers, HEADER_GETTER).kind(Span.Kind.CONSUMER).name(name).start();
  }

  /**
   * Starts a {@code PRODUCER} span for sending a record: a child of {@code parent}, or the root of
   * a new trace when it is {@code null}.
   */
  public Span send(String name, TraceContext parent) {
    Span.Builder builder = tracer.spanBuilder().kind(Span.Kind.PRODUCER).name(name);
    return (parent == null ? builder.setNoParent() : builder.setParent(parent)).start();
  }

  /** Makes {@code span} the current one (for the logs' {@code traceId}) until the scope closes. */
  public Tracer.SpanInScope inScope(Span span) {
    return tracer.withSpan(span);
  }

  /** Writes {@code span}'s trace context into {@code headers}, replacing any there. */
  public void inject(Span span, Headers headers) {
    propagator.inject(span.context(), headers, HEADER_SETTER);
  }

  /** {@code span}'s {@code traceparent} value, or {@code null} without a tracer. */
  public String traceparent(Span span) {
    Map<String, String> fields = new HashMap<>(4);
    propagator.inject(span.context(), fields, Map::put);
    return fields.get(CloudEventHeaders.TRACEPARENT);
  }
}
