package dev.junction.gateway.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates a JSON request body against the Avro record schema of an operation and reports every
 * violation, not just the first, so a client can fix its request in one round trip.
 *
 * <p>The JSON is read as plain JSON, not Avro's JSON encoding: a union with {@code null} is just an
 * optional value, never a {@code {"string": ...}} wrapper. A record field is required unless it has
 * a default or its type is a union with {@code null}. Fields the schema does not declare are
 * refused, so a typo is reported instead of silently ignored.
 */
public final class JsonBodyValidator {

  private final JsonMapper json;

  public JsonBodyValidator(JsonMapper json) {
    this.json = json;
  }

  /** Every violation of {@code body} against {@code schema}; empty when the body is valid. */
  public List<Violation> validate(String body, Schema schema) {
    if (body == null || body.isBlank()) {
      return List.of(new Violation("", "a JSON body is required"));
    }
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (JacksonException e) {
      return List.of(new Violation("", "malformed JSON: " + e.getOriginalMessage()));
    }
    List<Violation> violations = new ArrayList<>();
    check(node, schema, "", violations);
    return List.copyOf(violations);
  }

  private void check(JsonNode node, Schema schema, String pointer, List<Violation> out) {
    switch (schema.getType()) {
      case RECORD -> checkRecord(node, schema, pointer, out);
      case UNION -> checkUnion(node, schema, pointer, out);
      case STRING, BYTES, FIXED -> expect(node.isString(), "a string", node, pointer, out);
      case INT ->
          expect(
              node.isIntegralNumber() && node.canConvertToInt(),
              "an integer (32-bit)",
              node,
              pointer,
              out);
      case LONG ->
          expect(
              node.isIntegralNumber() && node.canConvertToLong(),
              "an integer (64-bit)",
              node,
              pointer,
              out);
      case FLOAT, DOUBLE -> expect(node.isNumber(), "a number", node, pointer, out);
      case BOOLEAN -> expect(node.isBoolean(), "a boolean", node, pointer, out);
      case NULL -> expect(node.isNull(), "null", node, pointer, out);
      case ENUM -> checkEnum(node, schema, pointer, out);
      case ARRAY -> checkArray(node, schema, pointer, out);
      case MAP -> checkMap(node, schema, pointer, out);
    }
  }

  private void checkRecord(JsonNode node, Schema schema, String pointer, List<Violation> out) {
    if (!node.isObject()) {
      out.add(new Violation(pointer, "must be an object, got " + describe(node)));
      return;
    }
    for (Schema.Field field : schema.getFields()) {
      String fieldPointer = pointer + "/" + escape(field.name());
      JsonNode value = node.get(field.name());
      if (value == null) {
        if (!optional(field)) {
          out.add(new Violation(fieldPointer, "is required"));
        }
      } else {
        check(value, field.schema(), fieldPointer, out);
      }
    }
    Set<String> declared =
        schema.getFields().stream().map(Schema.Field::name).collect(Collectors.toSet());
    for (String name : node.propertyNames()) {
      if (!declared.contains(name)) {
        out.add(
            new Violation(pointer + "/" + escape(name), "is not a field of " + schema.getName()));
      }
    }
  }

  private void checkUnion(JsonNode node, Schema schema, String pointer, List<Violation> out) {
    List<Schema> branches = schema.getTypes();
    if (node.isNull() && acceptsNull(schema)) {
      return;
    }
    List<Schema> nonNull = branches.stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
    if (nonNull.size() == 1) {
      check(node, nonNull.getFirst(), pointer, out);
      return;
    }
    for (Schema branch : nonNull) {
      List<Violation> attempt = new ArrayList<>();
      check(node, branch, pointer, attempt);
      if (attempt.isEmpty()) {
        return;
      }
    }
    String expected =
        branches.stream().map(JsonBodyValidator::typeName).collect(Collectors.joining(" or "));
    out.add(new Violation(pointer, "must be " + expected + ", got " + describe(node)));
  }

  private void checkEnum(JsonNode node, Schema schema, String pointer, List<Violation> out) {
    if (!node.isString() || !schema.getEnumSymbols().contains(node.asString())) {
      out.add(
          new Violation(
              pointer,
              "must be one of "
                  + String.join(", ", schema.getEnumSymbols())
                  + ", got "
                  + describe(node)));
    }
  }

  private void checkArray(JsonNode node, Schema schema, String pointer, List<Violation> out) {
    if (!node.isArray()) {
      out.add(new Violation(pointer, "must be an array, got " + describe(node)));
      return;
    }
    for (int i = 0; i < node.size(); i++) {
      check(node.get(i), schema.getElementType(), pointer + "/" + i, out);
    }
  }

  private void checkMap(JsonNode node, Schema schema, String pointer, List<Violation> out) {
    if (!node.isObject()) {
      out.add(new Violation(pointer, "must be an object, got " + describe(node)));
      return;
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      check(entry.getValue(), schema.getValueType(), pointer + "/" + escape(entry.getKey()), out);
    }
  }

  private static void expect(
      boolean ok, String expected, JsonNode node, String pointer, List<Violation> out) {
    if (!ok) {
      out.add(new Violation(pointer, "must be " + expected + ", got " + describe(node)));
    }
  }

  /** A field may be absent when it has a default or accepts null. */
  private static boolean optional(Schema.Field field) {
    return field.hasDefaultValue() || acceptsNull(field.schema());
  }

  private static boolean acceptsNull(Schema schema) {
    return schema.getType() == Schema.Type.NULL
        || (schema.getType() == Schema.Type.UNION
            && schema.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL));
  }

  private static String typeName(Schema schema) {
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> schema.getName();
      default -> schema.getType().getName();
    };
  }

  private static String describe(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    if (node.isString()) {
      return "a string";
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? "the integer " + node.asString() : "an integer out of range";
    }
    if (node.isNumber()) {
      return "the number " + node.asString();
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isArray()) {
      return "an array";
    }
    return "an object";
  }

  /** RFC 6901: {@code ~} and {@code /} in a key are escaped as {@code ~0} and {@code ~1}. */
  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
