package dev.junction.gateway.catalog;

import java.time.Duration;
import java.util.List;

/**
 * Cross-origin calls from browsers to an API.
 *
 * @param allowedOrigins origins allowed, e.g. {@code https://shop.example}; {@code *} for any (not
 *     with credentials); patterns like {@code https://*.example.com} are allowed
 * @param allowedMethods methods allowed; empty: the methods of the API's operations
 * @param allowedHeaders request headers allowed; {@code *} for any
 * @param exposedHeaders response headers a browser script may read
 * @param allowCredentials whether cookies and credentials may be sent
 * @param maxAge how long a browser may cache a preflight answer
 */
public record CorsPolicy(
    List<String> allowedOrigins,
    List<String> allowedMethods,
    List<String> allowedHeaders,
    List<String> exposedHeaders,
    boolean allowCredentials,
    Duration maxAge) {

  /** Headers exposed unless the API says otherwise: the run id and the rate-limit fields. */
  public static final List<String> DEFAULT_EXPOSED =
      List.of("X-Run-Id", "Location", "Retry-After", "RateLimit", "RateLimit-Policy");

  public CorsPolicy {
    allowedOrigins = List.copyOf(allowedOrigins);
    allowedMethods = List.copyOf(allowedMethods);
    allowedHeaders = List.copyOf(allowedHeaders);
    exposedHeaders = List.copyOf(exposedHeaders);
  }
}
