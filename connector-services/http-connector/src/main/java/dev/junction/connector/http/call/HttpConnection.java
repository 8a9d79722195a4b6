package dev.junction.connector.http.call;

import dev.junction.connector.http.auth.Authentication;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * A named backend the connector may call.
 *
 * @param name the name steps use ({@code connection:} in a workflow)
 * @param baseUrl absolute {@code http}/{@code https} URL; every call goes under it
 * @param timeout the longest one call may take, response body included
 * @param auth how the connector authenticates to the backend
 * @param sslContext TLS of its calls (client certificate, trusted CAs), or {@code null} for the
 *     JDK's default
 */
public record HttpConnection(
    String name, URI baseUrl, Duration timeout, Authentication auth, SSLContext sslContext) {

  /** A connection without authentication. */
  public HttpConnection(String name, URI baseUrl, Duration timeout) {
    this(name, baseUrl, timeout, Authentication.NONE, null);
  }

  /** A connection with the JDK's default TLS. */
  public HttpConnection(String name, URI baseUrl, Duration timeout, Authentication auth) {
    this(name, baseUrl, timeout, auth, null);
  }

  public HttpConnection {
    Objects.requireNonNull(auth, "auth of connection " + name);
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(baseUrl, "baseUrl of connection " + name);
    Objects.requireNonNull(timeout, "timeout of connection " + name);
    String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
    if (!baseUrl.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new IllegalArgumentException(
          "connection '" + name + "': base-url must be an absolute http or https URL");
    }
    if (baseUrl.getHost() == null) {
      throw new IllegalArgumentException("connection '" + name + "': base-url has no host");
    }
    // User info would be a credential in configuration that ends up in URLs; queries and fragments
    // would make "everything under the base URL" ambiguous.
    if (baseUrl.getRawUserInfo() != null
        || baseUrl.getRawQuery() != null
        || baseUrl.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "connection '" + name + "': base-url must not contain user info, a query or a fragment");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("connection '" + name + "': timeout must be positive");
    }
  }
}
