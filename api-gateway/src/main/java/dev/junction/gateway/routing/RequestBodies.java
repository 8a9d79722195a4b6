package dev.junction.gateway.routing;

import java.nio.charset.StandardCharsets;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Reads a request body at most once per exchange and keeps it for later filters. Bodies larger than
 * the limit fail with {@code DataBufferLimitException} (rendered as 413) without being buffered
 * whole.
 */
final class RequestBodies {

  static final String ATTRIBUTE = RequestBodies.class.getName() + ".body";

  private RequestBodies() {}

  /** The body as UTF-8 text; empty string when there is none. */
  static Mono<String> read(ServerWebExchange exchange, int maxBytes) {
    String cached = exchange.getAttribute(ATTRIBUTE);
    if (cached != null) {
      return Mono.just(cached);
    }
    return DataBufferUtils.join(exchange.getRequest().getBody(), maxBytes)
        .map(RequestBodies::text)
        .defaultIfEmpty("")
        .doOnNext(body -> exchange.getAttributes().put(ATTRIBUTE, body));
  }

  /**
   * Replaces the body later filters read, e.g. by the canonical JSON of the validated record. The
   * request's own byte stream is not touched: no filter after this one proxies it.
   */
  static void replace(ServerWebExchange exchange, String body) {
    exchange.getAttributes().put(ATTRIBUTE, body);
  }

  private static String text(DataBuffer buffer) {
    try {
      return buffer.toString(StandardCharsets.UTF_8);
    } finally {
      DataBufferUtils.release(buffer);
    }
  }
}
