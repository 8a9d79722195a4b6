package dev.junction.connector.kafka.publish;

import dev.junction.connector.support.invoke.InvalidInputException;
import dev.junction.connector.support.invoke.JsonInput;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The input of operation {@code publish}: {@code {"key": "o-1", "headers": {"tenant": "t1"},
 * "value": {...}}}.
 *
 * @param key the record key, or {@code null}
 * @param headers extra headers (UTF-8); names starting with {@code ce_} are the connector's
 * @param value the value as JSON text ({@code null} for none: a tombstone)
 */
public record PublishInput(String key, Map<String, String> headers, String value) {

  /** The operation's name. */
  public static final String OPERATION = "publish";

  private static final Set<String> FIELDS = Set.of("key", "headers", "value");

  public PublishInput {
    headers = Map.copyOf(headers);
  }

  /** Reads a command's input; every problem is reported without quoting values. */
  public static PublishInput parse(String json, JsonMapper mapper) throws InvalidInputException {
    JsonNode root = JsonInput.object(json, mapper.reader());
    for (String field : root.propertyNames()) {
      if (!FIELDS.contains(field)) {
        throw new InvalidInputException(
            "input has an unknown field '" + shortened(field) + "' (allowed: headers, key, value)");
      }
    }
    JsonNode keyNode = root.path("key");
    String key = null;
    if (keyNode.isString()) {
      key = keyNode.stringValue();
    } else if (keyNode.isNumber()) {
      key = keyNode.asString();
    } else if (!keyNode.isMissingNode() && !keyNode.isNull()) {
      throw new InvalidInputException("input.key must be a string or a number");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode headersNode = root.path("headers");
    if (!headersNode.isMissingNode() && !headersNode.isNull()) {
      if (!headersNode.isObject()) {
        throw new InvalidInputException("input.headers must be an object");
      }
      for (Map.Entry<String, JsonNode> header : headersNode.properties()) {
        String name = header.getKey();
        if (name.isBlank()
            || name.toLowerCase(Locale.ROOT).startsWith("ce_")
            || name.equalsIgnoreCase("content-type")
            || name.equalsIgnoreCase("traceparent")) {
          throw new InvalidInputException(
              "input.headers: '" + shortened(name) + "' is set by the connector");
        }
        if (!header.getValue().isString()) {
          throw new InvalidInputException("input.headers." + shortened(name) + " must be a string");
        }
        headers.put(name, header.getValue().stringValue());
      }
    }
    JsonNode valueNode = root.path("value");
    String value =
        valueNode.isMissingNode() || valueNode.isNull()
            ? null
            : mapper.writeValueAsString(valueNode);
    return new PublishInput(key, headers, value);
  }

  private static String shortened(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
