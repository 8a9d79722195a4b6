package dev.junction.gateway.policy.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.junction.gateway.catalog.JwtPolicy;
import java.util.function.Supplier;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.ReactiveAuthenticationManagerResolver;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Picks how a request's bearer token is checked: by the {@code policies.jwt} of the operation the
 * request is routed to ({@value #ROUTE_METADATA} in the route's metadata, put there by the
 * catalog's routes), else by the gateway's defaults (routes outside the catalog, such as {@code
 * /runs}, the portal's data calls). The route is found the way Spring Cloud Gateway finds it, by
 * the routes' own predicates, so whatever decides routing (path, method, version header) decides
 * the policy.
 */
public final class JwtAuthenticationManagerResolver
    implements ReactiveAuthenticationManagerResolver<ServerWebExchange> {

  /** Route metadata key of the operation's {@link JwtPolicy}. */
  public static final String ROUTE_METADATA = "junction.jwt";

  private final Supplier<RouteLocator> routes;
  private final TrustedIssuers issuers;
  private final TokenVerifier verifier;

  /** One authentication manager per distinct policy; few, as the catalog has few policies. */
  private final Cache<JwtPolicy, ReactiveAuthenticationManager> managers =
      Caffeine.newBuilder().maximumSize(10_000).build();

  /**
   * @param routes the gateway's routes (looked up lazily: they are built after security)
   * @param issuers the trusted issuers
   * @param verifier checks tokens
   */
  public JwtAuthenticationManagerResolver(
      Supplier<RouteLocator> routes, TrustedIssuers issuers, TokenVerifier verifier) {
    this.routes = routes;
    this.issuers = issuers;
    this.verifier = verifier;
  }

  @Override
  public Mono<ReactiveAuthenticationManager> resolve(ServerWebExchange exchange) {
    return policy(exchange).map(this::manager);
  }

  /** The manager checking tokens under {@code policy}. */
  ReactiveAuthenticationManager manager(JwtPolicy policy) {
    return managers.get(
        policy,
        p -> {
          JwtRules rules = issuers.rules(p);
          return new JwtReactiveAuthenticationManager(token -> verifier.verify(token, rules));
        });
  }

  private Mono<JwtPolicy> policy(ServerWebExchange exchange) {
    return routes
        .get()
        .getRoutes()
        .concatMap(
            route ->
                Mono.from(route.getPredicate().apply(exchange))
                    .filter(Boolean::booleanValue)
                    .map(matched -> route))
        .next()
        .mapNotNull(JwtAuthenticationManagerResolver::policyOf)
        .defaultIfEmpty(JwtPolicy.DEFAULTS);
  }

  private static JwtPolicy policyOf(Route route) {
    return route.getMetadata().get(ROUTE_METADATA) instanceof JwtPolicy policy ? policy : null;
  }
}
