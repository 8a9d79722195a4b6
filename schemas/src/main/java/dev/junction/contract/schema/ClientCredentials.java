package dev.junction.contract.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Access tokens from an OAuth2 token endpoint with the client-credentials grant (client id and
 * secret sent with HTTP Basic, RFC 6749 section 2.3.1), kept until shortly before they expire.
 */
public final class ClientCredentials {

  /** A token is renewed this long before its {@code expires_in} runs out. */
  private static final Duration EARLY = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI tokenUrl;
  private final String clientId;
  private final String clientSecret;
  private final String scope;
  private final HttpClient http;
  private final Clock clock;
  private String token;
  private Instant renewAt = Instant.MIN;

  /**
   * @param tokenUrl the token endpoint, e.g. {@code
   *     http://keycloak/realms/x/protocol/openid-connect/token}
   * @param clientId the client
   * @param clientSecret its secret (from the environment, never a command-line argument)
   * @param scope requested scope, or {@code null}
   */
  public ClientCredentials(
      URI tokenUrl,
      String clientId,
      String clientSecret,
      String scope,
      HttpClient http,
      Clock clock) {
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.scope = scope;
    this.http = http;
    this.clock = clock;
  }

  /** A valid access token, fetched when none is held or the held one is about to expire. */
  public synchronized String token() {
    if (token == null || !clock.instant().isBefore(renewAt)) {
      fetch();
    }
    return token;
  }

  private void fetch() {
    String form =
        "grant_type=client_credentials"
            + (scope == null || scope.isBlank() ? "" : "&scope=" + encode(scope));
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (encode(clientId) + ":" + encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(tokenUrl)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header("Authorization", "Basic " + basic)
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RegistryException("cannot reach the token endpoint " + tokenUrl + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while fetching a token from " + tokenUrl, e);
    }
    if (response.statusCode() != 200) {
      throw new RegistryException(
          "the token endpoint %s refused client %s: HTTP %d %s"
              .formatted(tokenUrl, clientId, response.statusCode(), response.body()));
    }
    try {
      JsonNode body = JSON.readTree(response.body());
      String accessToken = body.path("access_token").asText(null);
      if (accessToken == null) {
        throw new RegistryException("the token endpoint " + tokenUrl + " answered no access_token");
      }
      long expiresIn = body.path("expires_in").asLong(60);
      token = accessToken;
      renewAt = clock.instant().plusSeconds(expiresIn).minus(EARLY);
    } catch (IOException e) {
      throw new RegistryException("the token endpoint " + tokenUrl + " answered no JSON", e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
