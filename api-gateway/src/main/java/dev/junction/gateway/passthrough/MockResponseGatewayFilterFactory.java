package dev.junction.gateway.passthrough;

import dev.junction.gateway.catalog.MockResponse;
import java.nio.charset.StandardCharsets;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/**
 * The terminal filter of a mocked operation: answers the operation's mock response without calling
 * any backend.
 */
public final class MockResponseGatewayFilterFactory
    extends AbstractGatewayFilterFactory<MockResponseGatewayFilterFactory.Config> {

  /** Response header telling a client the answer is a mock. */
  public static final String MOCK_HEADER = "X-Junction-Mock";

  public MockResponseGatewayFilterFactory() {
    super(Config.class);
  }

  /**
   * @param response what to answer
   */
  public record Config(MockResponse response) {}

  @Override
  public GatewayFilter apply(Config config) {
    MockResponse mock = config.response();
    byte[] body = mock.body() == null ? new byte[0] : mock.body().getBytes(StandardCharsets.UTF_8);
    MediaType contentType =
        mock.contentType() == null ? null : MediaType.parseMediaType(mock.contentType());
    return (exchange, chain) -> {
      ServerHttpResponse response = exchange.getResponse();
      response.setStatusCode(HttpStatusCode.valueOf(mock.status()));
      mock.headers().forEach(response.getHeaders()::set);
      response.getHeaders().set(MOCK_HEADER, "true");
      if (contentType != null && body.length > 0) {
        response.getHeaders().setContentType(contentType);
      }
      response.getHeaders().setContentLength(body.length);
      if (body.length == 0) {
        return response.setComplete();
      }
      return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    };
  }
}
