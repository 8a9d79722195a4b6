package dev.junction.gateway.policy.cors;

import dev.junction.gateway.catalog.ApiCatalog;
import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.CorsPolicy;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.problem.ProblemWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsProcessor;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * CORS per API, from each API's {@code policies.cors}. It runs in the security chain ahead of
 * authentication, since a browser's preflight carries no token: a valid preflight is answered here
 * (200 with the {@code Access-Control-*} fields); an actual cross-origin call gets the fields and
 * goes on; an origin, method or header the API does not allow gets 403 {@code cors-rejected}. The
 * checks themselves are Spring's {@link DefaultCorsProcessor}. Requests without an {@code Origin},
 * and APIs without a CORS policy, pass untouched.
 */
public final class CatalogCorsWebFilter implements WebFilter {

  private record Entry(String basePath, CorsConfiguration configuration) {}

  private record Snapshot(ApiCatalog catalog, List<Entry> entries) {}

  private final ApiCatalogService catalog;
  private final ProblemWriter problems;
  private final CorsProcessor processor = new DefaultCorsProcessor();
  private volatile Snapshot snapshot = new Snapshot(null, List.of());

  public CatalogCorsWebFilter(ApiCatalogService catalog, ProblemWriter problems) {
    this.catalog = catalog;
    this.problems = problems;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!CorsUtils.isCorsRequest(exchange.getRequest())) {
      return chain.filter(exchange);
    }
    CorsConfiguration configuration = configuration(exchange.getRequest().getPath().value());
    if (configuration == null) {
      return chain.filter(exchange);
    }
    boolean valid = processor.process(configuration, exchange);
    if (!valid) {
      // the processor set 403 and Vary; the body says why, like every other refusal
      return problems.write(
          exchange.getResponse(),
          ProblemType.CORS_REJECTED.with(
              "origin %s may not call %s %s here"
                  .formatted(
                      exchange.getRequest().getHeaders().getOrigin(),
                      preflightMethod(exchange),
                      exchange.getRequest().getPath().value())));
    }
    if (CorsUtils.isPreFlightRequest(exchange.getRequest())) {
      return exchange.getResponse().setComplete();
    }
    return chain.filter(exchange);
  }

  private static String preflightMethod(ServerWebExchange exchange) {
    String requested =
        exchange.getRequest().getHeaders().getFirst(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    return requested != null ? requested : exchange.getRequest().getMethod().name();
  }

  /** The CORS configuration of the API whose base path holds {@code path}, or null. */
  CorsConfiguration configuration(String path) {
    for (Entry entry : entries()) {
      if (path.equals(entry.basePath()) || path.startsWith(entry.basePath() + "/")) {
        return entry.configuration();
      }
    }
    return null;
  }

  private List<Entry> entries() {
    ApiCatalog current = catalog.current();
    Snapshot last = snapshot;
    if (last.catalog() == current) {
      return last.entries();
    }
    List<Entry> entries = new ArrayList<>();
    for (ApiDefinition api : current.apis()) {
      if (api.cors() != null) {
        entries.add(new Entry(api.basePath(), configuration(api, api.cors())));
      }
    }
    snapshot = new Snapshot(current, List.copyOf(entries));
    return entries;
  }

  static CorsConfiguration configuration(ApiDefinition api, CorsPolicy policy) {
    CorsConfiguration configuration = new CorsConfiguration();
    configuration.setAllowedOriginPatterns(policy.allowedOrigins());
    List<String> methods = policy.allowedMethods();
    if (methods.isEmpty()) {
      TreeSet<String> served = new TreeSet<>();
      for (Operation operation : api.operations()) {
        served.add(operation.method().name());
      }
      methods = List.copyOf(served);
    }
    configuration.setAllowedMethods(methods);
    configuration.setAllowedHeaders(policy.allowedHeaders());
    configuration.setExposedHeaders(policy.exposedHeaders());
    configuration.setAllowCredentials(policy.allowCredentials());
    configuration.setMaxAge(policy.maxAge());
    return configuration;
  }
}
