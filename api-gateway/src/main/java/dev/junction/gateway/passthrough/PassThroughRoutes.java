package dev.junction.gateway.passthrough;

import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.RetryPolicy;
import dev.junction.gateway.transform.TransformFilters;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.PrefixPathGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.RetryGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.StripPrefixGatewayFilterFactory;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;

/**
 * The filters of a pass-through route, in order: classify backend failures as problems, drop the
 * caller's credentials, map the path onto the backend's, the circuit breaker, then the retry
 * (inside the breaker, so the breaker counts a call once, after its retries). Spring Cloud
 * Gateway's routing filter then proxies the request, with the backend's timeouts taken from the
 * route's metadata ({@link #metadata}).
 */
public final class PassThroughRoutes {

  private final StripPrefixGatewayFilterFactory stripPrefix;
  private final PrefixPathGatewayFilterFactory prefixPath;
  private final RetryGatewayFilterFactory retry;
  private final BackendCircuitBreakers breakers;
  private final TransformFilters transforms = new TransformFilters();

  public PassThroughRoutes(
      StripPrefixGatewayFilterFactory stripPrefix,
      PrefixPathGatewayFilterFactory prefixPath,
      RetryGatewayFilterFactory retry,
      BackendCircuitBreakers breakers) {
    this.stripPrefix = stripPrefix;
    this.prefixPath = prefixPath;
    this.retry = retry;
    this.breakers = breakers;
  }

  /**
   * @param operation the operation
   * @param backend its backend
   * @param basePath the API's base path, replaced by the backend URL's path
   * @param routeId the route's id (the retry filter caches request bodies by it)
   */
  public List<GatewayFilter> filters(
      Operation operation, Backend.Http backend, String basePath, String routeId) {
    return filters(operation, backend, basePath, routeId, List.of());
  }

  /**
   * @param operation the operation
   * @param backend its backend
   * @param basePath the API's base path, replaced by the backend URL's path
   * @param routeId the route's id (the retry filter caches request bodies by it)
   * @param requestTransforms the operation's request transformations (headers, body), applied after
   *     the caller's credentials are dropped, so that they may set {@code Authorization}
   */
  public List<GatewayFilter> filters(
      Operation operation,
      Backend.Http backend,
      String basePath,
      String routeId,
      List<GatewayFilter> requestTransforms) {
    List<GatewayFilter> filters = new ArrayList<>();
    filters.add(
        (exchange, chain) ->
            chain
                .filter(exchange)
                .onErrorMap(error -> BackendErrors.classify(error, backend.label())));
    // the token was issued for the gateway; the backend trusts the gateway, not the token
    filters.add(
        (exchange, chain) ->
            chain.filter(
                exchange
                    .mutate()
                    .request(r -> r.headers(h -> h.remove(HttpHeaders.AUTHORIZATION)))
                    .build()));
    filters.addAll(requestTransforms);
    String backendPath = backend.url().getRawPath() == null ? "" : backend.url().getRawPath();
    Optional<String> rewrite = operation.policies().transforms().request().rewritePath();
    if (rewrite.isPresent()) {
      filters.add(transforms.rewritePath(backendPath + rewrite.get()));
    } else {
      int parts = basePath.split("/").length - 1;
      filters.add(stripPrefix.apply(c -> c.setParts(parts)));
      if (!backendPath.isEmpty()) {
        filters.add(prefixPath.apply(c -> c.setPrefix(backendPath)));
      }
    }
    CircuitBreaker breaker = breakers.breaker(operation, backend);
    if (breaker != null) {
      filters.add(breakers.filter(breaker, backend.circuitBreaker()));
    }
    RetryPolicy policy = backend.retry();
    if (policy.retries() > 0) {
      RetryGatewayFilterFactory.RetryConfig config =
          new RetryGatewayFilterFactory.RetryConfig()
              .setRetries(policy.retries())
              .setSeries()
              .setStatuses(
                  HttpStatus.BAD_GATEWAY,
                  HttpStatus.SERVICE_UNAVAILABLE,
                  HttpStatus.GATEWAY_TIMEOUT)
              .setMethods(policy.methods().toArray(HttpMethod[]::new))
              .setBackoff(policy.backoff(), policy.backoff().multipliedBy(10), 2, true);
      config.setRouteId(routeId);
      filters.add(retry.apply(config));
    }
    return filters;
  }

  /** Route metadata Spring Cloud Gateway's routing filter reads its timeouts from. */
  public static Map<String, Object> metadata(Backend.Http backend) {
    return Map.of(
        RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR,
        backend.timeout().toMillis(),
        RouteMetadataUtils.CONNECT_TIMEOUT_ATTR,
        Math.toIntExact(backend.connectTimeout().toMillis()));
  }
}
