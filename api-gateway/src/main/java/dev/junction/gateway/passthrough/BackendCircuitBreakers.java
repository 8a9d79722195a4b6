package dev.junction.gateway.passthrough;

import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.CircuitBreakerPolicy;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import reactor.core.publisher.Mono;

/**
 * One Resilience4j circuit breaker per pass-through backend of an API. A call counts as failed when
 * it raises (cannot connect, times out after its retries) or the backend answers 5xx; the backend's
 * own 5xx answer still reaches the client unchanged. While open, calls are refused at once with a
 * 503 {@code backend-circuit-open} problem and {@code Retry-After}.
 */
public final class BackendCircuitBreakers {

  private static final Logger log = LoggerFactory.getLogger(BackendCircuitBreakers.class);

  private final CircuitBreakerRegistry registry;

  /**
   * @param registry where the breakers live (bound to Micrometer as {@code
   *     resilience4j.circuitbreaker.*}, tagged by name)
   */
  public BackendCircuitBreakers(CircuitBreakerRegistry registry) {
    this.registry = registry;
  }

  /** The breaker of a backend; the same name and settings give the same breaker after reloads. */
  public CircuitBreaker breaker(String name, CircuitBreakerPolicy policy) {
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(policy.slidingWindow())
            .minimumNumberOfCalls(policy.minimumCalls())
            .failureRateThreshold(policy.failureRateThreshold())
            .waitDurationInOpenState(policy.openFor())
            .permittedNumberOfCallsInHalfOpenState(Math.min(3, policy.minimumCalls()))
            .build();
    // a changed policy makes a new breaker rather than silently keeping the old settings
    String key = name + "@" + Integer.toHexString(policy.hashCode());
    return registry.circuitBreaker(key, config);
  }

  /** The breaker of an operation's backend, or {@code null} when its policy turns it off. */
  public CircuitBreaker breaker(Operation operation, Backend.Http backend) {
    if (!backend.circuitBreaker().enabled()) {
      return null;
    }
    String name = operation.api() + "-" + operation.apiVersion() + " " + backend.label();
    return breaker(name, backend.circuitBreaker());
  }

  /** The filter guarding every call of one route with the breaker. */
  GatewayFilter filter(CircuitBreaker breaker, CircuitBreakerPolicy policy) {
    String retryAfter = Long.toString(Math.max(1, policy.openFor().toSeconds()));
    return (exchange, chain) -> {
      if (!breaker.tryAcquirePermission()) {
        log.debug("circuit {} is {}: call refused", breaker.getName(), breaker.getState());
        return Mono.error(
            new ProblemException(
                ProblemType.BACKEND_CIRCUIT_OPEN.with(
                    "the backend failed too often; calls resume within " + retryAfter + " s"),
                Map.of(HttpHeaders.RETRY_AFTER, retryAfter)));
      }
      long start = breaker.getCurrentTimestamp();
      return chain
          .filter(exchange)
          .doOnSuccess(
              done -> {
                long took = breaker.getCurrentTimestamp() - start;
                HttpStatusCode status = exchange.getResponse().getStatusCode();
                if (status != null && status.is5xxServerError()) {
                  breaker.onError(
                      took, breaker.getTimestampUnit(), new BackendStatus(status.value()));
                } else {
                  breaker.onSuccess(took, breaker.getTimestampUnit());
                }
              })
          .doOnError(
              error ->
                  breaker.onError(
                      breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), error))
          .doOnCancel(breaker::releasePermission);
    };
  }

  /** What the breaker records for a 5xx answer. */
  public static final class BackendStatus extends RuntimeException {
    public BackendStatus(int status) {
      super("backend answered " + status, null, false, false);
    }
  }
}
