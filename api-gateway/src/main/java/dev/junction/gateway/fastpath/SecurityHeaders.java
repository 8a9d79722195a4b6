package dev.junction.gateway.fastpath;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * The response headers Spring Security's default header writers add to every answer of the full
 * path, with the same rules: the cache-control group only when the answer sets none of its three
 * headers and is not a 304, each other header only when the answer lacks it.
 */
final class SecurityHeaders {

  private SecurityHeaders() {}

  static void add(HttpHeaders headers, int status) {
    if (status != 304
        && !headers.contains("Cache-Control")
        && !headers.contains("Pragma")
        && !headers.contains("Expires")) {
      headers.set("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
      headers.set("Pragma", "no-cache");
      headers.set("Expires", "0");
    }
    addIfAbsent(headers, "X-Content-Type-Options", "nosniff");
    addIfAbsent(headers, "X-Frame-Options", "DENY");
    addIfAbsent(headers, "X-XSS-Protection", "0");
    addIfAbsent(headers, "Referrer-Policy", "no-referrer");
  }

  private static void addIfAbsent(HttpHeaders headers, String name, String value) {
    if (!headers.contains(name)) {
      headers.set(name, value);
    }
  }
}
