package dev.junction.gateway.fastpath;

import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.RateLimitPolicy;
import dev.junction.gateway.catalog.SubscriptionPolicy;
import dev.junction.gateway.policy.jwt.JwtRules;
import io.github.bucket4j.BucketConfiguration;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.List;
import java.util.Optional;

/**
 * A pass-through operation the fast path may serve, with everything its calls need prepared once
 * per catalog version.
 *
 * @param apiId the API's id, the {@code api} tag of its metrics
 * @param operation the catalog's operation
 * @param backend its backend
 * @param host the backend's host
 * @param port the backend's port
 * @param hostHeader the {@code Host} sent to the backend, as Spring Cloud Gateway sends it
 * @param stripParts leading path segments of the call replaced by {@code backendPath}
 * @param backendPath the path of the backend's URL (empty for none)
 * @param rules the token rules of the operation's JWT policy
 * @param rateLimit the operation's only rate limit, or {@code null}
 * @param bucket the bucket configuration of {@code rateLimit}
 * @param breaker the backend's circuit breaker, shared with the full path, or {@code null}
 * @param subscription the operation's subscription policy
 */
record FastRoute(
    String apiId,
    Operation operation,
    Backend.Http backend,
    String host,
    int port,
    String hostHeader,
    int stripParts,
    String backendPath,
    JwtRules rules,
    RateLimitPolicy rateLimit,
    BucketConfiguration bucket,
    CircuitBreaker breaker,
    Optional<SubscriptionPolicy> subscription) {

  List<String> scopes() {
    return operation.scopes();
  }

  /** The backend request's path and query for a call's path and query. */
  String backendUri(String path, String query) {
    int at = 0;
    for (int i = 0; i < stripParts; i++) {
      int next = path.indexOf('/', at + 1);
      at = next < 0 ? path.length() : next;
    }
    // as Spring Cloud Gateway's StripPrefix and PrefixPath filters map it
    String rest = at >= path.length() ? "/" : path.substring(at);
    String target = backendPath + rest;
    return query == null ? target : target + "?" + query;
  }
}
