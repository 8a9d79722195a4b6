package dev.junction.contract.schema;

import io.apicurio.registry.serde.config.SerdeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * OAuth2 client credentials for a registry that requires bearer tokens, for both of Junction's
 * registry clients: {@link RegistryClient} (registration) and the Apicurio SerDe ({@link
 * #serdeConfig()}).
 *
 * @param tokenUrl the issuer's token endpoint
 * @param clientId the client
 * @param clientSecret its secret
 * @param scope requested scope, or {@code null}
 */
public record RegistryCredentials(
    String tokenUrl, String clientId, String clientSecret, String scope) {

  /** Environment variables of {@code bin/junction schemas}. */
  public static final String TOKEN_URL_ENV = "JUNCTION_REGISTRY_TOKEN_URL";

  public static final String CLIENT_ID_ENV = "JUNCTION_REGISTRY_CLIENT_ID";
  public static final String CLIENT_SECRET_ENV = "JUNCTION_REGISTRY_CLIENT_SECRET";
  public static final String SCOPE_ENV = "JUNCTION_REGISTRY_SCOPE";

  /** The secret never appears in logs or messages. */
  @Override
  public String toString() {
    return "RegistryCredentials[tokenUrl=" + tokenUrl + ", clientId=" + clientId + "]";
  }

  /**
   * The credentials the environment sets, if any.
   *
   * @throws IllegalArgumentException when the token URL is set without a client id and secret
   */
  public static Optional<RegistryCredentials> fromEnvironment(Map<String, String> env) {
    String tokenUrl = env.get(TOKEN_URL_ENV);
    if (tokenUrl == null || tokenUrl.isBlank()) {
      return Optional.empty();
    }
    String clientId = env.get(CLIENT_ID_ENV);
    String secret = env.get(CLIENT_SECRET_ENV);
    if (clientId == null || secret == null) {
      throw new IllegalArgumentException(
          TOKEN_URL_ENV + " is set: set " + CLIENT_ID_ENV + " and " + CLIENT_SECRET_ENV + " too");
    }
    return Optional.of(new RegistryCredentials(tokenUrl, clientId, secret, env.get(SCOPE_ENV)));
  }

  /** A token source for {@link RegistryClient}. */
  public ClientCredentials client(HttpClient http, Clock clock) {
    return new ClientCredentials(URI.create(tokenUrl), clientId, clientSecret, scope, http, clock);
  }

  /** Settings to merge into the Apicurio SerDe's configuration. */
  public Map<String, Object> serdeConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.AUTH_TOKEN_ENDPOINT, tokenUrl);
    config.put(SerdeConfig.AUTH_CLIENT_ID, clientId);
    config.put(SerdeConfig.AUTH_CLIENT_SECRET, clientSecret);
    if (scope != null && !scope.isBlank()) {
      config.put(SerdeConfig.AUTH_CLIENT_SCOPE, scope);
    }
    return config;
  }
}
