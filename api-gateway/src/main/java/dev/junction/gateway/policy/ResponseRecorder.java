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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * and hands the response to the listeners that the policies' own filters registered further down
 * the route, after the access checks. Bodies over 1 MB, and streamed responses, are written but not
 * kept.
 *
 * <p>The listeners are subscribed to just before the response is written, and run beside the write;
 * the call completes once both have. So what a listener sends to its store (a Redis command goes
 * out on subscription) leaves before the client can have the response and make its next call: that
 * call finds the entry, and a slow store write of this response cannot land after the write of a
 * later response to the same key and replace it. Listeners handle their own store failures; one
 * that still fails is logged and does not disturb the response.
 */
public final class ResponseRecorder {

  /** Ahead of Spring Cloud Gateway's response writer. */
  public static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

  private static final Logger log = LoggerFactory.getLogger(ResponseRecorder.class);

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
          List<Listener> listeners = new ArrayList<>();
          Recording recording = new Recording(exchange.getResponse(), clock, listeners);
          exchange.getAttributes().put(LISTENERS, listeners);
          return chain
              .filter(exchange.mutate().response(recording).build())
              // a response the route completed without writing through the recording
              .then(Mono.defer(recording::completed))
              .onErrorResume(
                  error ->
                      recording.told()
                          // told already: the response went out, what it caused stays recorded
                          ? Mono.error(error)
                          : Flux.fromIterable(listeners)
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
    private final List<Listener> listeners;
    private final AtomicReference<byte[]> body = new AtomicReference<>(new byte[0]);
    private final AtomicReference<Map<String, List<String>>> headers = new AtomicReference<>();
    private final AtomicBoolean told = new AtomicBoolean();
    private volatile boolean notKept;

    Recording(ServerHttpResponse delegate, Clock clock, List<Listener> listeners) {
      super(delegate);
      this.clock = clock;
      this.listeners = listeners;
    }

    /** The listeners, once: subscribed before {@code write}, and running beside it. */
    private Mono<Void> besideWrite(Mono<Void> write) {
      return Mono.when(completed(), write);
    }

    /** Tells the listeners about the response, unless they have been told already. */
    Mono<Void> completed() {
      if (!told.compareAndSet(false, true)) {
        return Mono.empty();
      }
      HttpStatusCode status = getStatusCode();
      int code = status == null ? 200 : status.value();
      StoredResponse recorded = recorded(code);
      // all at once: each listener's store command leaves before the response does
      return Flux.fromIterable(listeners)
          .flatMap(
              listener ->
                  listener
                      .completed(code, recorded)
                      .onErrorResume(
                          error -> {
                            log.warn(
                                "a policy could not record the response: {}", error.toString());
                            return Mono.empty();
                          }))
          .then();
    }

    boolean told() {
      return told.get();
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
                  return besideWrite(super.writeWith(Flux.empty()));
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
                return besideWrite(super.writeWith(Mono.just(buffer)));
              });
    }

    @Override
    public Mono<Void> writeAndFlushWith(
        Publisher<? extends Publisher<? extends DataBuffer>> content) {
      notKept = true;
      return besideWrite(super.writeAndFlushWith(content));
    }

    @Override
    public Mono<Void> setComplete() {
      snapshotHeaders();
      return besideWrite(super.setComplete());
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
