package dev.junction.gateway.schema;

import dev.junction.gateway.catalog.UnknownFields;
import dev.junction.gateway.catalog.Violation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Converts a JSON body to an Avro {@link GenericRecord} of an operation's request schema, reporting
 * every violation at once, and renders Avro values back to JSON.
 *
 * <p>The JSON is plain JSON, not Avro's JSON encoding: a union is just one of its branches' values
 * (never a {@code {"string": ...}} wrapper). A missing field takes its default; a field without a
 * default is required unless its type is a union with {@code null}. Logical types map to the JSON a
 * client expects: {@code decimal} to a number (or a numeric string), {@code uuid} to a string,
 * {@code date} to {@code 2026-11-26}, {@code time-millis}/{@code time-micros} to {@code 10:15:30},
 * {@code timestamp-millis}/{@code -micros} to an ISO-8601 instant with offset ({@code
 * 2026-11-26T10:15:30Z}) and their {@code local-} forms without offset; {@code bytes} and {@code
 * fixed} to base64.
 */
public final class JsonAvroConverter {

  private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonMapper json;

  public JsonAvroConverter(JsonMapper json) {
    this.json = json;
  }

  /**
   * The outcome of one conversion.
   *
   * @param record the record, {@code null} when there are violations
   * @param violations every reason the body does not match the schema
   */
  public record Conversion(GenericRecord record, List<Violation> violations) {
    public Conversion {
      violations = List.copyOf(violations);
    }

    public boolean valid() {
      return violations.isEmpty();
    }
  }

  /**
   * Converts {@code body} to a record of {@code schema}.
   *
   * @param unknownFields what to do with object members the schema does not declare
   */
  public Conversion toRecord(String body, Schema schema, UnknownFields unknownFields) {
    if (body == null || body.isBlank()) {
      return new Conversion(null, List.of(new Violation("", "a JSON body is required")));
    }
    JsonNode node;
    try {
      node = json.readTree(body);
    } catch (JacksonException e) {
      return new Conversion(
          null, List.of(new Violation("", "malformed JSON: " + e.getOriginalMessage())));
    }
    List<Violation> violations = new ArrayList<>();
    Object value = new Reader(unknownFields, violations).read(node, schema, "");
    return violations.isEmpty()
        ? new Conversion((GenericRecord) value, List.of())
        : new Conversion(null, violations);
  }

  /** The canonical JSON text of a record: every field present, logical types as documented. */
  public String toJson(GenericRecord record) {
    return json.writeValueAsString(toJsonNode(record, record.getSchema()));
  }

  /** The JSON form of an Avro value of {@code schema} (the inverse of {@link #toRecord}). */
  public JsonNode toJsonNode(Object value, Schema schema) {
    if (value == null) {
      return NODES.nullNode();
    }
    LogicalType logical = schema.getLogicalType();
    switch (schema.getType()) {
      case RECORD -> {
        GenericRecord record = (GenericRecord) value;
        ObjectNode object = NODES.objectNode();
        for (Schema.Field field : schema.getFields()) {
          object.set(field.name(), toJsonNode(record.get(field.pos()), field.schema()));
        }
        return object;
      }
      case UNION -> {
        int branch = GenericData.get().resolveUnion(schema, value);
        return toJsonNode(value, schema.getTypes().get(branch));
      }
      case ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        for (Object item : (Iterable<?>) value) {
          array.add(toJsonNode(item, schema.getElementType()));
        }
        return array;
      }
      case MAP -> {
        ObjectNode object = NODES.objectNode();
        ((Map<?, ?>) value)
            .forEach((k, v) -> object.set(k.toString(), toJsonNode(v, schema.getValueType())));
        return object;
      }
      case STRING, ENUM -> {
        return NODES.stringNode(value.toString());
      }
      case INT -> {
        int number = (Integer) value;
        if (logical instanceof LogicalTypes.Date) {
          return NODES.stringNode(LocalDate.ofEpochDay(number).toString());
        }
        if (logical instanceof LogicalTypes.TimeMillis) {
          return NODES.stringNode(LocalTime.ofNanoOfDay(number * 1_000_000L).toString());
        }
        return NODES.numberNode(number);
      }
      case LONG -> {
        long number = (Long) value;
        return switch (logical) {
          case LogicalTypes.TimestampMillis t ->
              NODES.stringNode(Instant.ofEpochMilli(number).toString());
          case LogicalTypes.TimestampMicros t ->
              NODES.stringNode(Instant.EPOCH.plus(number, ChronoUnit.MICROS).toString());
          case LogicalTypes.LocalTimestampMillis t ->
              NODES.stringNode(
                  LocalDateTime.ofInstant(Instant.ofEpochMilli(number), ZoneOffset.UTC).toString());
          case LogicalTypes.LocalTimestampMicros t ->
              NODES.stringNode(
                  LocalDateTime.ofInstant(
                          Instant.EPOCH.plus(number, ChronoUnit.MICROS), ZoneOffset.UTC)
                      .toString());
          case LogicalTypes.TimeMicros t ->
              NODES.stringNode(LocalTime.ofNanoOfDay(number * 1_000L).toString());
          case null, default -> NODES.numberNode(number);
        };
      }
      case FLOAT -> {
        return NODES.numberNode((Float) value);
      }
      case DOUBLE -> {
        return NODES.numberNode((Double) value);
      }
      case BOOLEAN -> {
        return NODES.booleanNode((Boolean) value);
      }
      case BYTES -> {
        ByteBuffer bytes = ((ByteBuffer) value).duplicate();
        if (logical instanceof LogicalTypes.Decimal decimal) {
          return NODES.numberNode(DECIMALS.fromBytes(bytes, schema, decimal));
        }
        byte[] raw = new byte[bytes.remaining()];
        bytes.get(raw);
        return NODES.stringNode(Base64.getEncoder().encodeToString(raw));
      }
      case FIXED -> {
        GenericData.Fixed fixed = (GenericData.Fixed) value;
        if (logical instanceof LogicalTypes.Decimal decimal) {
          return NODES.numberNode(DECIMALS.fromFixed(fixed, schema, decimal));
        }
        return NODES.stringNode(Base64.getEncoder().encodeToString(fixed.bytes()));
      }
      case NULL -> {
        return NODES.nullNode();
      }
    }
    throw new IllegalStateException("unhandled Avro type " + schema.getType());
  }

  /** One conversion's walk over the JSON tree; collects violations instead of stopping. */
  private static final class Reader {
    private final UnknownFields unknownFields;
    private final List<Violation> out;

    Reader(UnknownFields unknownFields, List<Violation> out) {
      this.unknownFields = unknownFields;
      this.out = out;
    }

    Object read(JsonNode node, Schema schema, String pointer) {
      return switch (schema.getType()) {
        case RECORD -> record(node, schema, pointer);
        case UNION -> union(node, schema, pointer);
        case STRING -> string(node, schema, pointer);
        case INT -> integer(node, schema, pointer);
        case LONG -> longValue(node, schema, pointer);
        case FLOAT -> expect(node.isNumber(), "a number", node, pointer) ? node.floatValue() : null;
        case DOUBLE ->
            expect(node.isNumber(), "a number", node, pointer) ? node.doubleValue() : null;
        case BOOLEAN ->
            expect(node.isBoolean(), "a boolean", node, pointer) ? node.booleanValue() : null;
        case NULL -> {
          expect(node.isNull(), "null", node, pointer);
          yield null;
        }
        case ENUM -> enumSymbol(node, schema, pointer);
        case ARRAY -> array(node, schema, pointer);
        case MAP -> map(node, schema, pointer);
        case BYTES, FIXED -> bytes(node, schema, pointer);
      };
    }

    private GenericRecord record(JsonNode node, Schema schema, String pointer) {
      if (!node.isObject()) {
        out.add(new Violation(pointer, "must be an object, got " + describe(node)));
        return null;
      }
      GenericData.Record record = new GenericData.Record(schema);
      for (Schema.Field field : schema.getFields()) {
        String fieldPointer = pointer + "/" + escape(field.name());
        JsonNode value = node.get(field.name());
        if (value == null) {
          if (field.hasDefaultValue()) {
            record.put(
                field.pos(),
                GenericData.get()
                    .deepCopy(field.schema(), GenericData.get().getDefaultValue(field)));
          } else if (!acceptsNull(field.schema())) {
            out.add(new Violation(fieldPointer, "is required"));
          }
        } else {
          record.put(field.pos(), read(value, field.schema(), fieldPointer));
        }
      }
      if (unknownFields == UnknownFields.REFUSE) {
        for (String name : node.propertyNames()) {
          if (schema.getField(name) == null) {
            out.add(
                new Violation(
                    pointer + "/" + escape(name), "is not a field of " + schema.getName()));
          }
        }
      }
      return record;
    }

    private Object union(JsonNode node, Schema schema, String pointer) {
      if (node.isNull() && acceptsNull(schema)) {
        return null;
      }
      List<Schema> nonNull =
          schema.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
      if (nonNull.size() == 1) {
        return read(node, nonNull.getFirst(), pointer);
      }
      for (Schema branch : nonNull) {
        List<Violation> attempt = new ArrayList<>();
        Object value = new Reader(unknownFields, attempt).read(node, branch, pointer);
        if (attempt.isEmpty()) {
          return value;
        }
      }
      String expected =
          schema.getTypes().stream()
              .map(JsonAvroConverter::typeName)
              .collect(Collectors.joining(" or "));
      out.add(new Violation(pointer, "must be " + expected + ", got " + describe(node)));
      return null;
    }

    private Object string(JsonNode node, Schema schema, String pointer) {
      if (!expect(node.isString(), "a string", node, pointer)) {
        return null;
      }
      String text = node.asString();
      if (schema.getLogicalType() instanceof LogicalTypes.Uuid) {
        try {
          return UUID.fromString(text).toString();
        } catch (IllegalArgumentException e) {
          out.add(new Violation(pointer, "must be a UUID, got '" + text + "'"));
          return null;
        }
      }
      return text;
    }

    private Object integer(JsonNode node, Schema schema, String pointer) {
      LogicalType logical = schema.getLogicalType();
      if (logical instanceof LogicalTypes.Date) {
        return temporal(
            node, pointer, "a date like 2026-11-26", t -> (int) LocalDate.parse(t).toEpochDay());
      }
      if (logical instanceof LogicalTypes.TimeMillis) {
        return temporal(
            node,
            pointer,
            "a time like 10:15:30",
            t -> (int) (LocalTime.parse(t).toNanoOfDay() / 1_000_000));
      }
      return expect(
              node.isIntegralNumber() && node.canConvertToInt(),
              "an integer (32-bit)",
              node,
              pointer)
          ? node.intValue()
          : null;
    }

    private Object longValue(JsonNode node, Schema schema, String pointer) {
      return switch (schema.getLogicalType()) {
        case LogicalTypes.TimestampMillis t ->
            temporal(
                node,
                pointer,
                "a timestamp like 2026-11-26T10:15:30Z",
                s -> instant(s).toEpochMilli());
        case LogicalTypes.TimestampMicros t ->
            temporal(
                node,
                pointer,
                "a timestamp like 2026-11-26T10:15:30Z",
                s -> ChronoUnit.MICROS.between(Instant.EPOCH, instant(s)));
        case LogicalTypes.LocalTimestampMillis t ->
            temporal(
                node,
                pointer,
                "a local timestamp like 2026-11-26T10:15:30",
                s -> LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli());
        case LogicalTypes.LocalTimestampMicros t ->
            temporal(
                node,
                pointer,
                "a local timestamp like 2026-11-26T10:15:30",
                s ->
                    ChronoUnit.MICROS.between(
                        Instant.EPOCH, LocalDateTime.parse(s).toInstant(ZoneOffset.UTC)));
        case LogicalTypes.TimeMicros t ->
            temporal(
                node,
                pointer,
                "a time like 10:15:30",
                s -> LocalTime.parse(s).toNanoOfDay() / 1_000);
        case null, default ->
            expect(
                    node.isIntegralNumber() && node.canConvertToLong(),
                    "an integer (64-bit)",
                    node,
                    pointer)
                ? node.longValue()
                : null;
      };
    }

    private static Instant instant(String text) {
      return OffsetDateTime.parse(text).toInstant();
    }

    private <T> T temporal(
        JsonNode node,
        String pointer,
        String expected,
        java.util.function.Function<String, T> parse) {
      if (!expect(node.isString(), expected, node, pointer)) {
        return null;
      }
      try {
        return parse.apply(node.asString());
      } catch (DateTimeException | ArithmeticException e) {
        out.add(new Violation(pointer, "must be " + expected + ", got '" + node.asString() + "'"));
        return null;
      }
    }

    private Object bytes(JsonNode node, Schema schema, String pointer) {
      if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
        return decimal(node, schema, decimal, pointer);
      }
      if (!expect(node.isString(), "a base64 string", node, pointer)) {
        return null;
      }
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(node.asString());
      } catch (IllegalArgumentException e) {
        out.add(new Violation(pointer, "must be a base64 string: " + e.getMessage()));
        return null;
      }
      if (schema.getType() == Schema.Type.FIXED) {
        if (raw.length != schema.getFixedSize()) {
          out.add(
              new Violation(
                  pointer,
                  "must be " + schema.getFixedSize() + " bytes (base64), got " + raw.length));
          return null;
        }
        return new GenericData.Fixed(schema, raw);
      }
      return ByteBuffer.wrap(raw);
    }

    private Object decimal(
        JsonNode node, Schema schema, LogicalTypes.Decimal decimal, String pointer) {
      String expected = "a decimal number with at most " + decimal.getScale() + " decimal places";
      BigDecimal number;
      if (node.isNumber()) {
        number = node.decimalValue();
      } else if (node.isString()) {
        try {
          number = new BigDecimal(node.asString().trim());
        } catch (NumberFormatException e) {
          out.add(
              new Violation(pointer, "must be " + expected + ", got '" + node.asString() + "'"));
          return null;
        }
      } else {
        out.add(new Violation(pointer, "must be " + expected + ", got " + describe(node)));
        return null;
      }
      BigDecimal scaled;
      try {
        scaled = number.setScale(decimal.getScale(), RoundingMode.UNNECESSARY);
      } catch (ArithmeticException e) {
        out.add(new Violation(pointer, "must be " + expected + ", got " + number.toPlainString()));
        return null;
      }
      if (scaled.precision() > decimal.getPrecision()) {
        out.add(
            new Violation(
                pointer,
                "must have at most "
                    + decimal.getPrecision()
                    + " digits, got "
                    + number.toPlainString()));
        return null;
      }
      return schema.getType() == Schema.Type.FIXED
          ? DECIMALS.toFixed(scaled, schema, decimal)
          : DECIMALS.toBytes(scaled, schema, decimal);
    }

    private Object enumSymbol(JsonNode node, Schema schema, String pointer) {
      if (!node.isString() || !schema.getEnumSymbols().contains(node.asString())) {
        out.add(
            new Violation(
                pointer,
                "must be one of "
                    + String.join(", ", schema.getEnumSymbols())
                    + ", got "
                    + describe(node)));
        return null;
      }
      return new GenericData.EnumSymbol(schema, node.asString());
    }

    private Object array(JsonNode node, Schema schema, String pointer) {
      if (!node.isArray()) {
        out.add(new Violation(pointer, "must be an array, got " + describe(node)));
        return null;
      }
      GenericData.Array<Object> array = new GenericData.Array<>(node.size(), schema);
      for (int i = 0; i < node.size(); i++) {
        array.add(read(node.get(i), schema.getElementType(), pointer + "/" + i));
      }
      return array;
    }

    private Object map(JsonNode node, Schema schema, String pointer) {
      if (!node.isObject()) {
        out.add(new Violation(pointer, "must be an object, got " + describe(node)));
        return null;
      }
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        map.put(
            entry.getKey(),
            read(entry.getValue(), schema.getValueType(), pointer + "/" + escape(entry.getKey())));
      }
      return map;
    }

    private boolean expect(boolean ok, String expected, JsonNode node, String pointer) {
      if (!ok) {
        out.add(new Violation(pointer, "must be " + expected + ", got " + describe(node)));
      }
      return ok;
    }
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
