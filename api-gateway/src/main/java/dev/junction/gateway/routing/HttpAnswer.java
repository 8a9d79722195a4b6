package dev.junction.gateway.routing;

import java.util.Map;
import org.springframework.http.MediaType;

/**
 * A complete HTTP response the workflow filter writes.
 *
 * @param status HTTP status
 * @param headers response headers (besides Content-Type)
 * @param contentType media type of the body, or null without body
 * @param body the body bytes, empty for none
 */
record HttpAnswer(int status, Map<String, String> headers, MediaType contentType, byte[] body) {}
