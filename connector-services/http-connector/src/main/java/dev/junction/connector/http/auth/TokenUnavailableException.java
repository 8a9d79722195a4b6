package dev.junction.connector.http.auth;

/**
 * No access token could be obtained for a call. Retryable when the token endpoint may recover (no
 * answer, 5xx, 429), not when it refused the client (bad credentials, unknown scope) or answered
 * something that is not a token. Its message never contains secrets or tokens.
 */
public class TokenUnavailableException extends RuntimeException {

  private final boolean retryable;

  public TokenUnavailableException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
