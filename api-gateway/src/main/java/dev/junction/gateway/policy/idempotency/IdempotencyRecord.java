package dev.junction.gateway.policy.idempotency;

import dev.junction.gateway.policy.StoredResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What is kept under an idempotency key: the request's fingerprint, and once it is answered, the
 * response.
 *
 * @param fingerprint hash of the first request's method, path, query and body
 * @param response the first response, or null while the first request is in progress
 */
public record IdempotencyRecord(String fingerprint, StoredResponse response) {

  public boolean completed() {
    return response != null;
  }

  byte[] toBytes(JsonMapper json) {
    ObjectNode node = json.createObjectNode();
    node.put("fingerprint", fingerprint);
    if (response != null) {
      node.set("response", response.toJson());
    }
    return json.writeValueAsBytes(node);
  }

  static IdempotencyRecord fromBytes(byte[] bytes, JsonMapper json) {
    JsonNode node = json.readTree(bytes);
    return new IdempotencyRecord(
        node.get("fingerprint").asString(),
        node.has("response") ? StoredResponse.fromJson(node.get("response")) : null);
  }
}
