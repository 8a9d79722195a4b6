package dev.junction.gateway.catalog;

import java.util.Map;

/**
 * A response the gateway answers by itself.
 *
 * @param status HTTP status
 * @param contentType media type of the body, or {@code null} without body
 * @param headers other response headers
 * @param body the body, or {@code null}
 */
public record MockResponse(
    int status, String contentType, Map<String, String> headers, String body) {

  public MockResponse {
    headers = Map.copyOf(headers);
  }
}
