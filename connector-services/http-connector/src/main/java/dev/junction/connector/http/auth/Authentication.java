package dev.junction.connector.http.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * How the connector authenticates to a connection's backend: one request header it sets on every
 * call. A step may not set that header itself.
 */
public sealed interface Authentication {

  /** No authentication. */
  Authentication NONE = new None();

  /** The header this authentication sets, or {@code null} for none. */
  String headerName();

  /** The header's current value (secrets may rotate), or {@code null} for none. */
  String headerValue();

  /** No header. */
  record None() implements Authentication {
    @Override
    public String headerName() {
      return null;
    }

    @Override
    public String headerValue() {
      return null;
    }
  }

  /** HTTP Basic (RFC 7617), UTF-8. */
  record Basic(String username, Secret password) implements Authentication {
    public Basic {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      if (username.indexOf(':') >= 0) {
        throw new IllegalArgumentException("a Basic user name cannot contain ':'");
      }
    }

    @Override
    public String headerName() {
      return "Authorization";
    }

    @Override
    public String headerValue() {
      String pair = username + ":" + password.value();
      return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A bearer token (RFC 6750). */
  record Bearer(Secret token) implements Authentication {
    public Bearer {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String headerName() {
      return "Authorization";
    }

    @Override
    public String headerValue() {
      return "Bearer " + token.value();
    }
  }

  /**
   * A bearer token obtained with the OAuth2 client credentials grant, cached and refreshed. {@link
   * #headerValue()} throws {@link TokenUnavailableException} when no token can be had.
   */
  record ClientCredentials(TokenClient tokens) implements Authentication {
    public ClientCredentials {
      Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public String headerName() {
      return "Authorization";
    }

    @Override
    public String headerValue() {
      return "Bearer " + tokens.token();
    }
  }

  /** An API key in a header of the backend's choosing, e.g. {@code X-API-Key}. */
  record ApiKey(String header, Secret key) implements Authentication {
    public ApiKey {
      Objects.requireNonNull(header, "header");
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String headerName() {
      return header;
    }

    @Override
    public String headerValue() {
      return key.value();
    }
  }
}
