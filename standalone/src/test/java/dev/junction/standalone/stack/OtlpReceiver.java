package dev.junction.standalone.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP trace receiver ({@code POST /v1/traces}, protobuf), as an OpenTelemetry Collector,
 * Jaeger or Tempo serves it: keeps every span it is sent, with the sending service's name.
 */
final class OtlpReceiver implements AutoCloseable {

  static final String TRACES_PATH = "/v1/traces";

  /** One received span. Ids are lower-case hex; {@code parentSpanId} is empty for a root. */
  record ReceivedSpan(
      String service,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      Span.SpanKind kind) {}

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(TRACES_PATH, this::export);
    server.start();
  }

  /** The URL to give the services as their OTLP traces endpoint. */
  String tracesUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + TRACES_PATH;
  }

  List<ReceivedSpan> spans(String traceId) {
    return spans.stream().filter(span -> span.traceId().equals(traceId)).toList();
  }

  private void export(HttpExchange exchange) throws IOException {
    try (exchange;
        InputStream body = exchange.getRequestBody()) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
      for (ResourceSpans resource : request.getResourceSpansList()) {
        String service = attribute(resource.getResource().getAttributesList(), "service.name");
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (Span span : scope.getSpansList()) {
            spans.add(
                new ReceivedSpan(
                    service,
                    hex(span.getTraceId().toByteArray()),
                    hex(span.getSpanId().toByteArray()),
                    hex(span.getParentSpanId().toByteArray()),
                    span.getName(),
                    span.getKind()));
          }
        }
      }
      byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
    }
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    return attributes.stream()
        .filter(attribute -> attribute.getKey().equals(key))
        .map(KeyValue::getValue)
        .map(AnyValue::getStringValue)
        .findFirst()
        .orElse(null);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
