package dev.junction.contract.tracing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.contract.CloudEventHeaders;
import io.micrometer.tracing.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class KafkaTracingTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  private final RecordingTracing recording = new RecordingTracing();
  private final KafkaTracing tracing = recording.tracing();

  @Test
  void continuesTheTraceOfTheRecordAndPassesItsOwnSpanOn() {
    Headers inbound =
        new RecordHeaders().add(CloudEventHeaders.TRACEPARENT, PARENT.getBytes(UTF_8));
    Span span = tracing.receive("start run", inbound);
    Headers outbound = new RecordHeaders();
    tracing.inject(span, outbound);
    span.end();

    SpanData ended = recording.spans().getFirst();
    assertThat(ended.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(ended.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(ended.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(ended.getName()).isEqualTo("start run");
    assertThat(value(outbound.lastHeader(CloudEventHeaders.TRACEPARENT)))
        .isEqualTo("00-" + TRACE_ID + "-" + ended.getSpanId() + "-01");
  }

  @Test
  void startsATraceForARecordWithoutContext() {
    Span span = tracing.receive("start run", new RecordHeaders());
    span.end();

    SpanData ended = recording.spans().getFirst();
    assertThat(ended.getParentSpanContext().isValid()).isFalse();
    assertThat(tracing.traceparent(span)).startsWith("00-" + ended.getTraceId() + "-");
  }

  @Test
  void replacesTheTraceContextAlreadyInTheHeaders() {
    Headers headers =
        new RecordHeaders().add(CloudEventHeaders.TRACEPARENT, PARENT.getBytes(UTF_8));
    Span span = tracing.send("send orchestrator.commands", null);
    tracing.inject(span, headers);

    assertThat(headers.headers(CloudEventHeaders.TRACEPARENT)).hasSize(1);
    assertThat(value(headers.lastHeader(CloudEventHeaders.TRACEPARENT)))
        .isEqualTo(tracing.traceparent(span))
        .doesNotContain(TRACE_ID);
  }

  @Test
  void sendSpanIsAProducerChildOfTheGivenContext() {
    Span parent = tracing.receive("http", new RecordHeaders());
    Span send = tracing.send("send orchestrator.commands", parent.context());
    send.end();
    parent.end();

    SpanData sent = recording.spans().getFirst();
    assertThat(sent.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(sent.getTraceId()).isEqualTo(parent.context().traceId());
    assertThat(sent.getParentSpanId()).isEqualTo(parent.context().spanId());
  }

  @Test
  void withoutATracerWritesNoHeader() {
    Headers headers = new RecordHeaders();
    Span span = KafkaTracing.NOOP.receive("start run", headers);
    KafkaTracing.NOOP.inject(span, headers);

    assertThat(headers.toArray()).isEmpty();
    assertThat(KafkaTracing.NOOP.traceparent(span)).isNull();
    assertThat(KafkaTracing.of(null, null)).isSameAs(KafkaTracing.NOOP);
  }

  private static String value(Header header) {
    return new String(header.value(), UTF_8);
  }
}
