package dev.junction.orchestrator.expression;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts between JSON trees and the values CEL evaluates over: integers become {@link Long},
 * other numbers {@link Double}, objects {@link Map}, arrays {@link List} and JSON null CEL's {@link
 * NullValue}.
 */
public final class CelJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private CelJson() {}

  /** The CEL value of a JSON tree; a missing node ({@code null} or MissingNode) is CEL null. */
  public static Object toCel(JsonNode node) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return NullValue.NULL_VALUE;
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.values().forEach(v -> list.add(toCel(v)));
      return list;
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    // integers that do not fit a long lose precision as doubles rather than failing the run
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    return node.asString();
  }

  /** A CEL string or CEL null for a possibly absent Java string. */
  public static Object toCel(String value) {
    return value == null ? NullValue.NULL_VALUE : value;
  }

  /**
   * The JSON tree of a CEL result.
   *
   * @throws IllegalArgumentException for CEL values with no JSON form (e.g. a type value)
   */
  public static JsonNode toJson(Object value) {
    return switch (value) {
      case null -> NODES.nullNode();
      case NullValue ignored -> NODES.nullNode();
      case com.google.protobuf.NullValue ignored -> NODES.nullNode();
      case String s -> NODES.stringNode(s);
      case Boolean b -> NODES.booleanNode(b);
      case Long l -> NODES.numberNode(l);
      case Integer i -> NODES.numberNode(i.longValue());
      case Double d -> NODES.numberNode(d);
      case UnsignedLong u -> NODES.numberNode(u.bigIntegerValue());
      case CelByteString bytes ->
          NODES.stringNode(Base64.getEncoder().encodeToString(bytes.toByteArray()));
      case Map<?, ?> map -> {
        ObjectNode object = NODES.objectNode();
        map.forEach((k, v) -> object.set(String.valueOf(k), toJson(v)));
        yield object;
      }
      case List<?> list -> {
        ArrayNode array = NODES.arrayNode(list.size());
        list.forEach(v -> array.add(toJson(v)));
        yield array;
      }
      default ->
          throw new IllegalArgumentException(
              "a value of type " + value.getClass().getSimpleName() + " has no JSON form");
    };
  }

  /**
   * The text a value takes when interpolated into a string: strings as they are, scalars in their
   * JSON form, objects and arrays as JSON text.
   */
  public static String toText(Object value) {
    if (value instanceof String s) {
      return s;
    }
    JsonNode json = toJson(value);
    return json.isValueNode() && !json.isNull() ? json.asString() : json.toString();
  }
}
