package dev.junction.gateway.policy;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A response kept to be answered again (idempotency replays, cache hits).
 *
 * @param status HTTP status
 * @param headers the headers answered again
 * @param body the body bytes
 * @param storedAt when it was recorded, epoch milliseconds
 */
public record StoredResponse(
    int status, Map<String, List<String>> headers, byte[] body, long storedAt) {

  public StoredResponse {
    headers = Map.copyOf(headers);
  }

  /** Writes it as the whole response, with {@code extraHeaders} on top. */
  public Mono<Void> writeTo(ServerHttpResponse response, Map<String, String> extraHeaders) {
    response.setStatusCode(HttpStatusCode.valueOf(status));
    headers.forEach((name, values) -> response.getHeaders().put(name, values));
    extraHeaders.forEach(response.getHeaders()::set);
    response.getHeaders().setContentLength(body.length);
    if (body.length == 0) {
      return response.setComplete();
    }
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
  }

  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("status", status);
    ObjectNode headerNode = node.putObject("headers");
    headers.forEach((name, values) -> values.forEach(headerNode.putArray(name)::add));
    node.put("body", Base64.getEncoder().encodeToString(body));
    node.put("storedAt", storedAt);
    return node;
  }

  public static StoredResponse fromJson(JsonNode node) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : node.get("headers").propertyNames()) {
      headers.put(
          name, node.get("headers").get(name).valueStream().map(JsonNode::asString).toList());
    }
    return new StoredResponse(
        node.get("status").asInt(),
        headers,
        Base64.getDecoder().decode(node.get("body").asString()),
        node.path("storedAt").asLong(0));
  }
}
