package dev.junction.connector.http.call;

import java.io.IOException;

/** The backend's response body is larger than the connector passes on. */
final class ResponseTooLargeException extends IOException {

  ResponseTooLargeException(long limit) {
    super("response body larger than " + limit + " bytes");
  }
}
