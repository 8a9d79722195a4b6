package dev.junction.gateway.policy;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps a copy of a route's response for the policies that answer it again (idempotency, caching).
 * Its filter wraps Spring Cloud Gateway's response writer (so proxied bodies pass through it too)
 * and, once the response is written, hands it to the listeners that the policies' own filters
 * registered further down the route, after the access checks. Bodies over 1 MB, and streamed
 * responses, are written but not kept.
 */
public final class ResponseRecorder {

  /** Ahead of Spring Cloud Gateway's response writer. */
  public static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

  private static final String LISTENERS = ResponseRecorder.class.getName() + ".listeners";
  private static final int MAX_BODY = 1024 * 1024;
  private static final Set<String> NOT_KEPT_HEADERS =
      Set.of(
          "x-run-id",
          "content-length",
          "transfer-encoding",
          "connection",
          "date",
          "ratelimit",
          "ratelimit-policy",
          "access-control-allow-origin",
          "access-control-allow-credentials",
          "access-control-expose-headers");

  /** Told about the response of the call it was registered for. */
  public interface Listener {

    /**
     * @param status the status sent
     * @param response the response as sent, or null when it was too large or streamed
     */
    Mono<Void> completed(int status, StoredResponse response);

    /** The call failed before a response was written. */
    Mono<Void> failed(Throwable error);
  }

  private ResponseRecorder() {}

  /** The route filter; put it on every route whose policies register listeners. */
  public static GatewayFilter filter(Clock clock) {
    return new OrderedGatewayFilter(
        (exchange, chain) -> {
          Recording recording = new Recording(exchange.getResponse(), clock);
          List<Listener> listeners = new ArrayList<>();
          exchange.getAttributes().put(LISTENERS, listeners);
          return chain
              .filter(exchange.mutate().response(recording).build())
              .then(
                  Mono.defer(
                      () -> {
                        HttpStatusCode status = recording.getStatusCode();
                        int code = status == null ? 200 : status.value();
                        StoredResponse recorded = recording.recorded(code);
                        return Flux.fromIterable(listeners)
                            .concatMap(listener -> listener.completed(code, recorded))
                            .then();
                      }))
              .onErrorResume(
                  error ->
                      Flux.fromIterable(listeners)
                          .concatMap(listener -> listener.failed(error).onErrorComplete())
                          .then(Mono.error(error)));
        },
        ORDER);
  }

  /** Registers a listener for the current call (its route must have {@link #filter}). */
  public static void onResponse(ServerWebExchange exchange, Listener listener) {
    List<Listener> listeners = exchange.getAttribute(LISTENERS);
    if (listeners == null) {
      throw new IllegalStateException("the route has no ResponseRecorder filter");
    }
    listeners.add(listener);
  }

  /** Passes the response through and keeps a copy of what was written. */
  private static final class Recording extends ServerHttpResponseDecorator {

    private final Clock clock;
    private final AtomicReference<byte[]> body = new AtomicReference<>(new byte[0]);
    private final AtomicReference<Map<String, List<String>>> headers = new AtomicReference<>();
    private volatile boolean notKept;

    Recording(ServerHttpResponse delegate, Clock clock) {
      super(delegate);
      this.clock = clock;
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> content) {
      // not switchIfEmpty for an empty body: writing completes empty too
      return DataBufferUtils.join(Flux.from(content))
          .map(Optional::of)
          .defaultIfEmpty(Optional.empty())
          .flatMap(
              joined -> {
                if (joined.isEmpty()) {
                  snapshotHeaders();
                  return super.writeWith(Flux.empty());
                }
                DataBuffer buffer = joined.get();
                if (buffer.readableByteCount() > MAX_BODY) {
                  notKept = true;
                } else {
                  byte[] bytes = new byte[buffer.readableByteCount()];
                  buffer.toByteBuffer(0, ByteBuffer.wrap(bytes), 0, bytes.length);
                  body.set(bytes);
                }
                snapshotHeaders();
                return super.writeWith(Mono.just(buffer));
              });
    }

    @Override
    public Mono<Void> writeAndFlushWith(
        Publisher<? extends Publisher<? extends DataBuffer>> content) {
      notKept = true;
      return super.writeAndFlushWith(content);
    }

    @Override
    public Mono<Void> setComplete() {
      snapshotHeaders();
      return super.setComplete();
    }

    private void snapshotHeaders() {
      Map<String, List<String>> kept = new LinkedHashMap<>();
      getHeaders()
          .forEach(
              (name, values) -> {
                if (!NOT_KEPT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                  kept.put(name, List.copyOf(values));
                }
              });
      headers.compareAndSet(null, kept);
    }

    StoredResponse recorded(int status) {
      if (notKept) {
        return null;
      }
      Map<String, List<String>> kept = headers.get();
      return new StoredResponse(status, kept == null ? Map.of() : kept, body.get(), clock.millis());
    }
  }
}
