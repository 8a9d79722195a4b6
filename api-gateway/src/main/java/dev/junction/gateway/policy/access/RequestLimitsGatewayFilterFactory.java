package dev.junction.gateway.policy.access;

import dev.junction.gateway.catalog.RequestLimits;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Size limits of a request: 431 {@code headers-too-large} when the header names and values add up
 * to more than {@code maxHeaderSize}; 413 {@code payload-too-large} when the body is larger than
 * {@code maxBodySize}, refused at once on its {@code Content-Length}, or as soon as a streamed body
 * passes the limit (it is counted as it flows, never buffered for the check).
 */
public final class RequestLimitsGatewayFilterFactory
    extends AbstractGatewayFilterFactory<RequestLimitsGatewayFilterFactory.Config> {

  public RequestLimitsGatewayFilterFactory() {
    super(Config.class);
  }

  /**
   * @param limits the limits
   */
  public record Config(RequestLimits limits) {}

  @Override
  public GatewayFilter apply(Config config) {
    long maxHeaders =
        config.limits().maxHeaderSize() == null ? -1 : config.limits().maxHeaderSize().toBytes();
    long maxBody =
        config.limits().maxBodySize() == null ? -1 : config.limits().maxBodySize().toBytes();
    return (exchange, chain) -> {
      HttpHeaders headers = exchange.getRequest().getHeaders();
      if (maxHeaders >= 0) {
        long size = headerSize(headers);
        if (size > maxHeaders) {
          return Mono.error(
              new ProblemException(
                  ProblemType.HEADERS_TOO_LARGE.with(
                      "the request headers take %d bytes; at most %d are accepted"
                          .formatted(size, maxHeaders))));
        }
      }
      if (maxBody < 0) {
        return chain.filter(exchange);
      }
      long declared = headers.getContentLength();
      if (declared > maxBody) {
        return Mono.error(
            new ProblemException(
                ProblemType.PAYLOAD_TOO_LARGE.with(
                    "the body has %d bytes; at most %d are accepted"
                        .formatted(declared, maxBody))));
      }
      ServerHttpRequestDecorator limited =
          new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
              return limit(super.getBody(), maxBody);
            }
          };
      return chain.filter(exchange.mutate().request(limited).build());
    };
  }

  /** Total length of header names and values, as sent (name, ": ", value, CRLF). */
  static long headerSize(HttpHeaders headers) {
    AtomicLong size = new AtomicLong();
    headers.forEach(
        (name, values) ->
            values.forEach(value -> size.addAndGet(name.length() + value.length() + 4)));
    return size.get();
  }

  static Flux<DataBuffer> limit(Flux<DataBuffer> body, long maxBytes) {
    return Flux.defer(
        () -> {
          AtomicLong seen = new AtomicLong();
          return body.handle(
              (buffer, sink) -> {
                if (seen.addAndGet(buffer.readableByteCount()) > maxBytes) {
                  DataBufferUtils.release(buffer);
                  sink.error(
                      new DataBufferLimitException(
                          "the body is larger than the " + maxBytes + " bytes accepted"));
                } else {
                  sink.next(buffer);
                }
              });
        });
  }
}
