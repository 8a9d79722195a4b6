package dev.junction.gateway.fastpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.PrefixPathGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.StripPrefixGatewayFilterFactory;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The fast path maps a call's path onto the backend's exactly as the full path's Spring Cloud
 * Gateway filters do ({@code StripPrefix} then {@code PrefixPath}): both are run on the same calls.
 */
class FastRouteTest {

  private static FastRoute route(int stripParts, String backendPath) {
    return new FastRoute(
        "api",
        null,
        null,
        "127.0.0.1",
        80,
        "127.0.0.1",
        stripParts,
        backendPath,
        null,
        null,
        null,
        null,
        Optional.empty());
  }

  /** What the full path's filters make of the call's path and query. */
  private static String fullPath(int parts, String backendPath, String uri) {
    List<GatewayFilter> filters =
        new java.util.ArrayList<>(
            List.of(new StripPrefixGatewayFilterFactory().apply(c -> c.setParts(parts))));
    if (!backendPath.isEmpty()) {
      filters.add(new PrefixPathGatewayFilterFactory().apply(c -> c.setPrefix(backendPath)));
    }
    AtomicReference<ServerWebExchange> last = new AtomicReference<>();
    ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(uri));
    run(filters, 0, exchange, last);
    URI result = last.get().getRequest().getURI();
    return result.getRawQuery() == null
        ? result.getRawPath()
        : result.getRawPath() + "?" + result.getRawQuery();
  }

  private static void run(
      List<GatewayFilter> filters,
      int index,
      ServerWebExchange exchange,
      AtomicReference<ServerWebExchange> last) {
    if (index == filters.size()) {
      last.set(exchange);
      return;
    }
    filters
        .get(index)
        .filter(
            exchange,
            next -> {
              run(filters, index + 1, next, last);
              return Mono.empty();
            })
        .block();
  }

  @Test
  void mapsPathsAsStripPrefixAndPrefixPathDo() {
    for (String backendPath : List.of("", "/api", "/api/v2")) {
      for (String uri :
          List.of(
              "/pets/v1/pets",
              "/pets/v1/pets/",
              "/pets/v1/pets/42",
              "/pets/v1/pets/42/toys",
              "/pets/v1",
              "/pets/v1/",
              "/pets/v1/pets?kind=dog&limit=2",
              "/pets/v1?x=1")) {
        int question = uri.indexOf('?');
        String path = question < 0 ? uri : uri.substring(0, question);
        String query = question < 0 ? null : uri.substring(question + 1);

        assertThat(route(2, backendPath).backendUri(path, query))
            .as("%s onto '%s'", uri, backendPath)
            .isEqualTo(fullPath(2, backendPath, uri));
      }
    }
  }
}
