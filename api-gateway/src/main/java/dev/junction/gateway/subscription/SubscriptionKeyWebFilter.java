package dev.junction.gateway.subscription;

import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.problem.ProblemWriter;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Authenticates a call that carries a subscription key and no {@code Authorization} header as a
 * {@link SubscriptionAuthentication}, in Spring Security's chain, so that such a call passes the
 * "authenticated" rule; the route's subscription check then decides whether the key's product
 * grants the API. An unknown key is refused at once (401 {@code subscription-key-invalid}).
 *
 * <p>The gateway's own endpoints (runs, subscriptions, products, portal data) are never opened by a
 * key: there a call without a token stays unauthenticated and gets the usual 401.
 */
public final class SubscriptionKeyWebFilter implements WebFilter {

  private static final List<PathPattern> TOKEN_ONLY =
      List.of(
              "/runs",
              "/runs/**",
              "/subscriptions",
              "/subscriptions/**",
              "/products",
              "/portal/**",
              "/actuator/**")
          .stream()
          .map(PathPatternParser.defaultInstance::parse)
          .toList();

  private final SubscriptionStore store;
  private final ProblemWriter problems;
  private final String header;

  public SubscriptionKeyWebFilter(SubscriptionStore store, ProblemWriter problems, String header) {
    this.store = store;
    this.problems = problems;
    this.header = header;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    HttpHeaders headers = exchange.getRequest().getHeaders();
    String key = headers.getFirst(header);
    if (key == null || headers.containsHeader(HttpHeaders.AUTHORIZATION) || tokenOnly(exchange)) {
      return chain.filter(exchange);
    }
    return store
        .byKeyHash(SubscriptionKeys.hash(key))
        .map(
            subscription ->
                chain
                    .filter(exchange)
                    .contextWrite(
                        ReactiveSecurityContextHolder.withAuthentication(
                            new SubscriptionAuthentication(subscription.id()))))
        .orElseGet(
            () ->
                problems.write(
                    exchange.getResponse(),
                    ProblemType.SUBSCRIPTION_KEY_INVALID.with(
                        "the key in the " + header + " header is unknown, or was regenerated")));
  }

  private static boolean tokenOnly(ServerWebExchange exchange) {
    PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
    return TOKEN_ONLY.stream().anyMatch(pattern -> pattern.matches(path));
  }
}
