package dev.junction.standalone.stack;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Gets access tokens with the client-credentials grant (RFC 6749 section 4.4). */
public final class TokenClient {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TokenClient() {}

  /**
   * An access token for {@code clientId}; {@code scope} may be null for all the client's scopes.
   *
   * @throws IllegalStateException when the issuer refuses or cannot be reached
   */
  public static String fetch(String tokenUrl, String clientId, String secret, String scope) {
    String form =
        "grant_type=client_credentials"
            + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
    String basic =
        Base64.getEncoder()
            .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(tokenUrl))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "The issuer at "
                + tokenUrl
                + " answered "
                + response.statusCode()
                + ": "
                + response.body());
      }
      JsonNode body = JSON.readTree(response.body());
      return body.get("access_token").asString();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot reach the issuer at " + tokenUrl + " (is `bin/junction up` running?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while getting a token", e);
    }
  }
}
