package dev.junction.gateway.openapi;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An Avro schema as the OpenAPI 3.0 schema object of its JSON form, the form the gateway accepts
 * and answers (see docs/schemas.md): a pure function.
 */
final class AvroJsonSchemas {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvroJsonSchemas() {}

  static ObjectNode of(Schema schema) {
    return of(schema, new HashSet<>());
  }

  private static ObjectNode of(Schema schema, Set<String> enclosing) {
    ObjectNode node = NODES.objectNode();
    LogicalType logical = schema.getLogicalType();
    switch (schema.getType()) {
      case RECORD -> {
        node.put("type", "object");
        if (!enclosing.add(schema.getFullName())) {
          // a recursive reference: described, not expanded again
          node.put("description", "a " + schema.getFullName() + " (recursive)");
          return node;
        }
        ObjectNode properties = node.putObject("properties");
        ArrayNode required = NODES.arrayNode();
        for (Schema.Field field : schema.getFields()) {
          ObjectNode property = of(field.schema(), enclosing);
          if (field.doc() != null) {
            property.put("description", field.doc());
          }
          properties.set(field.name(), property);
          if (!field.hasDefaultValue() && !nullable(field.schema())) {
            required.add(field.name());
          }
        }
        enclosing.remove(schema.getFullName());
        if (!required.isEmpty()) {
          node.set("required", required);
        }
      }
      case ENUM -> {
        node.put("type", "string");
        ArrayNode symbols = node.putArray("enum");
        schema.getEnumSymbols().forEach(symbols::add);
      }
      case ARRAY -> {
        node.put("type", "array");
        node.set("items", of(schema.getElementType(), enclosing));
      }
      case MAP -> {
        node.put("type", "object");
        node.set("additionalProperties", of(schema.getValueType(), enclosing));
      }
      case UNION -> {
        List<Schema> branches =
            schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
        if (branches.size() == 1) {
          node = of(branches.getFirst(), enclosing);
        } else {
          ArrayNode oneOf = node.putArray("oneOf");
          branches.forEach(branch -> oneOf.add(of(branch, enclosing)));
        }
        if (branches.size() < schema.getTypes().size()) {
          node.put("nullable", true);
        }
      }
      case STRING -> {
        node.put("type", "string");
        if (logical instanceof LogicalTypes.Uuid) {
          node.put("format", "uuid");
        }
      }
      case INT -> {
        if (logical instanceof LogicalTypes.Date) {
          node.put("type", "string").put("format", "date");
        } else if (logical instanceof LogicalTypes.TimeMillis) {
          node.put("type", "string").put("format", "time");
        } else {
          node.put("type", "integer").put("format", "int32");
        }
      }
      case LONG -> {
        if (logical instanceof LogicalTypes.TimestampMillis
            || logical instanceof LogicalTypes.TimestampMicros) {
          node.put("type", "string").put("format", "date-time");
        } else if (logical instanceof LogicalTypes.LocalTimestampMillis
            || logical instanceof LogicalTypes.LocalTimestampMicros) {
          node.put("type", "string").put("description", "local date-time, without offset");
        } else if (logical instanceof LogicalTypes.TimeMicros) {
          node.put("type", "string").put("format", "time");
        } else {
          node.put("type", "integer").put("format", "int64");
        }
      }
      case FLOAT -> node.put("type", "number").put("format", "float");
      case DOUBLE -> node.put("type", "number").put("format", "double");
      case BOOLEAN -> node.put("type", "boolean");
      case BYTES, FIXED -> {
        if (logical instanceof LogicalTypes.Decimal decimal) {
          node.put("type", "number");
          node.put(
              "description",
              "decimal, at most %d digits, %d after the point"
                  .formatted(decimal.getPrecision(), decimal.getScale()));
        } else {
          node.put("type", "string").put("format", "byte");
        }
      }
      case NULL -> node.put("nullable", true);
    }
    if (schema.getDoc() != null && !node.has("description")) {
      node.put("description", schema.getDoc());
    }
    return node;
  }

  private static boolean nullable(Schema schema) {
    return schema.getType() == Schema.Type.UNION
        && schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
  }
}
