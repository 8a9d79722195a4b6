package dev.junction.connector.http.auth;

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
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Obtains access tokens with the OAuth2 client credentials grant (RFC 6749 4.4), authenticating
 * with {@code client_secret_basic}, and keeps the current token until shortly before it expires: 30
 * s before, or half its lifetime for short-lived tokens. One thread refreshes while the others
 * wait.
 */
public final class TokenClient {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration EARLY = Duration.ofSeconds(30);

  /** Lifetime assumed when the endpoint does not say ({@code expires_in} is optional). */
  private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  private final URI tokenUrl;
  private final String clientId;
  private final Secret clientSecret;
  private final String scope;
  private final HttpClient http;
  private final JsonMapper json;
  private final Clock clock;
  private String token;
  private Instant refreshAt = Instant.MIN;

  /**
   * @param scope space-separated scopes to ask for, or {@code null} for the client's default
   */
  public TokenClient(
      URI tokenUrl,
      String clientId,
      Secret clientSecret,
      String scope,
      HttpClient http,
      JsonMapper json,
      Clock clock) {
    this.tokenUrl = Objects.requireNonNull(tokenUrl, "token-url");
    this.clientId = Objects.requireNonNull(clientId, "client-id");
    this.clientSecret = Objects.requireNonNull(clientSecret, "client-secret");
    this.scope = scope;
    this.http = http;
    this.json = json;
    this.clock = clock;
  }

  /**
   * The current access token, fetched when there is none or it is about to expire.
   *
   * @throws TokenUnavailableException when the token endpoint gives none
   */
  public synchronized String token() {
    if (token == null || !clock.instant().isBefore(refreshAt)) {
      fetch();
    }
    return token;
  }

  private void fetch() {
    String credentials = encode(clientId) + ":" + encode(clientSecret.value());
    String form =
        "grant_type=client_credentials" + (scope == null ? "" : "&scope=" + encode(scope));
    HttpRequest request =
        HttpRequest.newBuilder(tokenUrl)
            .timeout(REQUEST_TIMEOUT)
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new TokenUnavailableException(
          "token endpoint unreachable (" + e.getClass().getSimpleName() + ")", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenUnavailableException("interrupted while fetching a token", true);
    }
    int status = response.statusCode();
    if (status != 200) {
      boolean retryable = status == 429 || status >= 500;
      throw new TokenUnavailableException("token endpoint answered " + status, retryable);
    }
    Instant now = clock.instant();
    try {
      JsonNode body = json.readTree(response.body());
      JsonNode accessToken = body.path("access_token");
      String type = body.path("token_type").asString("");
      if (!accessToken.isString() || !type.equalsIgnoreCase("Bearer")) {
        throw new TokenUnavailableException("token endpoint answered no bearer token", false);
      }
      Duration lifetime =
          body.path("expires_in").canConvertToLong()
              ? Duration.ofSeconds(body.path("expires_in").asLong())
              : DEFAULT_LIFETIME;
      Duration early = EARLY.compareTo(lifetime.dividedBy(2)) < 0 ? EARLY : lifetime.dividedBy(2);
      token = accessToken.stringValue();
      refreshAt = now.plus(lifetime).minus(early);
    } catch (JacksonException e) {
      throw new TokenUnavailableException("token endpoint answered no JSON", false);
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "TokenClient[" + tokenUrl + ", client " + clientId + "]";
  }
}
