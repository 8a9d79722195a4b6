package dev.junction.connector.http.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.DefaultValue;
import tools.jackson.databind.json.JsonMapper;

/**
 * A connection's authentication as configured ({@code connections.<name>.auth.*}). Secrets come
 * from {@code ${ENV_VARIABLE}} placeholders, the environment ({@code
 * JUNCTION_HTTP_CONNECTOR_CONNECTIONS_<NAME>_AUTH_TOKEN}) or files; a file wins over a value.
 *
 * @param type {@code none}, {@code basic}, {@code bearer}, {@code api-key} or {@code
 *     oauth2-client-credentials}
 * @param username user of {@code basic}
 * @param password password of {@code basic}
 * @param passwordFile file holding the password of {@code basic}
 * @param token token of {@code bearer}
 * @param tokenFile file holding the token of {@code bearer}
 * @param header header of {@code api-key}
 * @param key key of {@code api-key}
 * @param keyFile file holding the key of {@code api-key}
 * @param tokenUrl token endpoint of {@code oauth2-client-credentials}
 * @param clientId client of {@code oauth2-client-credentials}
 * @param clientSecret its secret
 * @param clientSecretFile file holding its secret
 * @param scope scopes to ask for (space-separated), or none for the client's default
 */
public record AuthSettings(
    @DefaultValue("none") String type,
    String username,
    String password,
    Path passwordFile,
    String token,
    Path tokenFile,
    @DefaultValue("X-API-Key") String header,
    String key,
    Path keyFile,
    URI tokenUrl,
    String clientId,
    String clientSecret,
    Path clientSecretFile,
    String scope) {

  /** No authentication. */
  public static AuthSettings none() {
    return new AuthSettings(
        "none",
        null,
        null,
        null,
        null,
        null,
        "X-API-Key",
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /**
   * The authentication to use; checks that what the type needs is there, so a mistake stops the
   * service at start-up.
   */
  public Authentication authentication(String connection) {
    return authentication(connection, null, null, null);
  }

  /**
   * As {@link #authentication(String)}; {@code oauth2-client-credentials} calls its token endpoint
   * with {@code http}, reads with {@code json} and times tokens with {@code clock}.
   */
  public Authentication authentication(
      String connection, HttpClient http, JsonMapper json, Clock clock) {
    String where = "connection '" + connection + "': auth ";
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "none" -> Authentication.NONE;
      case "basic" -> {
        if (username == null || username.isBlank()) {
          throw new IllegalArgumentException(where + "basic needs a username");
        }
        yield new Authentication.Basic(
            username, secret(password, passwordFile, where + "basic", "password"));
      }
      case "bearer" ->
          new Authentication.Bearer(secret(token, tokenFile, where + "bearer", "token"));
      case "api-key" -> {
        if (header == null || header.isBlank()) {
          throw new IllegalArgumentException(where + "api-key needs a header");
        }
        yield new Authentication.ApiKey(header, secret(key, keyFile, where + "api-key", "key"));
      }
      case "oauth2-client-credentials" -> {
        if (tokenUrl == null || clientId == null || clientId.isBlank()) {
          throw new IllegalArgumentException(
              where + "oauth2-client-credentials needs token-url and client-id");
        }
        if (http == null) {
          throw new IllegalStateException(where + "oauth2-client-credentials needs an HTTP client");
        }
        Secret secret =
            secret(
                clientSecret,
                clientSecretFile,
                where + "oauth2-client-credentials",
                "client-secret");
        yield new Authentication.ClientCredentials(
            new TokenClient(tokenUrl, clientId, secret, scope, http, json, clock));
      }
      default ->
          throw new IllegalArgumentException(
              where + "type must be none, basic, bearer, api-key or oauth2-client-credentials");
    };
  }

  private static Secret secret(String value, Path file, String what, String name) {
    if (file != null) {
      return Secret.fromFile(file);
    }
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " needs " + name + " or " + name + "-file");
    }
    return Secret.of(value);
  }

  /** Never prints secrets. */
  @Override
  public String toString() {
    return "AuthSettings[type="
        + type
        + ", username="
        + username
        + ", header="
        + header
        + ", tokenUrl="
        + tokenUrl
        + ", clientId="
        + clientId
        + "]";
  }
}
