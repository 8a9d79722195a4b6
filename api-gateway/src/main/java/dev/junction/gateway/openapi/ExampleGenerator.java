package dev.junction.gateway.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An example value of an OpenAPI schema: its own {@code example} or {@code default} where it has
 * one, otherwise built from its properties' examples, the first enum value or a placeholder of its
 * type. Local {@code $ref}s are followed; nesting is bounded, so recursive schemas end.
 */
final class ExampleGenerator {

  private static final int MAX_DEPTH = 8;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final OpenAPI document;
  private final JsonMapper json;

  ExampleGenerator(OpenAPI document, JsonMapper json) {
    this.document = document;
    this.json = json;
  }

  /** A value swagger-parser read from the document ({@code example}, {@code default}) as JSON. */
  JsonNode toJson(Object value) {
    if (value instanceof com.fasterxml.jackson.databind.JsonNode jackson2) {
      return json.readTree(jackson2.toString());
    }
    return json.valueToTree(value);
  }

  JsonNode example(Schema<?> schema) {
    return example(schema, 0);
  }

  private JsonNode example(Schema<?> schema, int depth) {
    if (schema == null || depth > MAX_DEPTH) {
      return NODES.nullNode();
    }
    if (schema.get$ref() != null) {
      return example(resolve(schema.get$ref()), depth + 1);
    }
    if (schema.getExample() != null) {
      return toJson(schema.getExample());
    }
    if (schema.getDefault() != null) {
      return toJson(schema.getDefault());
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      return toJson(schema.getEnum().getFirst());
    }
    if (schema.getAllOf() != null && !schema.getAllOf().isEmpty()) {
      ObjectNode merged = NODES.objectNode();
      for (Schema<?> part : schema.getAllOf()) {
        if (example(part, depth + 1) instanceof ObjectNode object) {
          merged.setAll(object);
        }
      }
      return merged;
    }
    for (List<Schema> choices : java.util.Arrays.asList(schema.getOneOf(), schema.getAnyOf())) {
      if (choices != null && !choices.isEmpty()) {
        return example(choices.getFirst(), depth + 1);
      }
    }
    String type = type(schema);
    return switch (type) {
      case "object" -> {
        ObjectNode object = NODES.objectNode();
        Map<String, Schema> properties = schema.getProperties();
        if (properties != null) {
          properties.forEach((name, property) -> object.set(name, example(property, depth + 1)));
        }
        yield object;
      }
      case "array" -> {
        ArrayNode array = NODES.arrayNode();
        array.add(example(schema.getItems(), depth + 1));
        yield array;
      }
      case "integer" -> NODES.numberNode(0);
      case "number" -> NODES.numberNode(0.0);
      case "boolean" -> NODES.booleanNode(true);
      case "string" -> NODES.stringNode(stringExample(schema.getFormat()));
      default -> NODES.nullNode();
    };
  }

  private static String type(Schema<?> schema) {
    if (schema.getType() != null) {
      return schema.getType();
    }
    if (schema.getTypes() != null && !schema.getTypes().isEmpty()) {
      return schema.getTypes().stream().filter(t -> !t.equals("null")).findFirst().orElse("null");
    }
    return schema.getProperties() != null ? "object" : "unknown";
  }

  private static String stringExample(String format) {
    if (format == null) {
      return "string";
    }
    return switch (format) {
      case "date-time" -> "2026-01-01T00:00:00Z";
      case "date" -> "2026-01-01";
      case "uuid" -> "3fa85f64-5717-4562-b3fc-2c963f66afa6";
      case "email" -> "user@example.com";
      case "uri", "url" -> "https://example.com";
      default -> "string";
    };
  }

  /** A {@code #/components/schemas/Name} reference; anything else resolves to nothing. */
  private Schema<?> resolve(String ref) {
    String prefix = "#/components/schemas/";
    if (!ref.startsWith(prefix)
        || document.getComponents() == null
        || document.getComponents().getSchemas() == null) {
      return null;
    }
    return document.getComponents().getSchemas().get(ref.substring(prefix.length()));
  }
}
