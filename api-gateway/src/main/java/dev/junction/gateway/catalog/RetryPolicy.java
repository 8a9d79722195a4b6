package dev.junction.gateway.catalog;

import java.time.Duration;
import java.util.Set;
import org.springframework.http.HttpMethod;

/**
 * Retries of a pass-through backend call: after a connection failure, a timeout, or a 502, 503 or
 * 504 answer.
 *
 * @param retries attempts after the first; 0 turns retries off
 * @param methods the methods retried; by default only the idempotent ones (RFC 9110 9.2.2), since
 *     repeating a POST or PATCH may repeat its effect
 * @param backoff wait before the first retry, doubled for each next one (up to ten times as long)
 */
public record RetryPolicy(int retries, Set<HttpMethod> methods, Duration backoff) {

  /** GET, HEAD, OPTIONS, PUT, DELETE. */
  public static final Set<HttpMethod> IDEMPOTENT_METHODS =
      Set.of(
          HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE);

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(2, IDEMPOTENT_METHODS, Duration.ofMillis(100));

  public RetryPolicy {
    methods = Set.copyOf(methods);
  }
}
