package dev.junction.gateway.policy.idempotency;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What is kept under an idempotency key: the request's fingerprint, and once it is answered, the
 * response (status, headers, body).
 *
 * @param fingerprint hash of the first request's method, path, query and body
 * @param response the first response, or null while the first request is in progress
 */
public record IdempotencyRecord(String fingerprint, StoredResponse response) {

  /**
   * @param status HTTP status
   * @param headers the headers replayed
   * @param body the body bytes
   */
  public record StoredResponse(int status, Map<String, List<String>> headers, byte[] body) {
    public StoredResponse {
      headers = Map.copyOf(headers);
    }
  }

  public boolean completed() {
    return response != null;
  }

  byte[] toBytes(JsonMapper json) {
    ObjectNode node = json.createObjectNode();
    node.put("fingerprint", fingerprint);
    if (response != null) {
      node.put("status", response.status());
      ObjectNode headers = node.putObject("headers");
      response.headers().forEach((name, values) -> values.forEach(headers.putArray(name)::add));
      node.put("body", Base64.getEncoder().encodeToString(response.body()));
    }
    return json.writeValueAsBytes(node);
  }

  static IdempotencyRecord fromBytes(byte[] bytes, JsonMapper json) {
    JsonNode node = json.readTree(bytes);
    String fingerprint = node.get("fingerprint").asString();
    if (!node.has("status")) {
      return new IdempotencyRecord(fingerprint, null);
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String name : node.get("headers").propertyNames()) {
      headers.put(
          name, node.get("headers").get(name).valueStream().map(JsonNode::asString).toList());
    }
    return new IdempotencyRecord(
        fingerprint,
        new StoredResponse(
            node.get("status").asInt(),
            headers,
            Base64.getDecoder().decode(node.get("body").asString())));
  }
}
