package dev.junction.contract.schema;

import dev.junction.contract.schema.CompatibilityMode.Direction;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * One way a new schema breaks its subject's compatibility mode, in terms a schema author acts on:
 * the field, the rule Avro applies and what to do.
 *
 * @param mode the mode broken
 * @param direction which schema reads data written with the other
 * @param version the earlier version compared against (1-based, as in the registry)
 * @param field dotted path of the field in the reading schema ({@code address.city}); {@code
 *     (record)} when the problem is the record itself
 * @param location JSON pointer of the problem in the reading schema, as Avro reports it
 * @param rule Avro's incompatibility type, e.g. {@code READER_FIELD_MISSING_DEFAULT_VALUE}
 * @param detail Avro's message
 */
public record SchemaIncompatibility(
    CompatibilityMode mode,
    Direction direction,
    int version,
    String field,
    String location,
    String rule,
    String detail) {

  static List<SchemaIncompatibility> of(
      CompatibilityMode mode, Schema reader, Schema writer, int version, Direction direction) {
    List<Incompatibility> found =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
            .getResult()
            .getIncompatibilities();
    List<SchemaIncompatibility> result = new ArrayList<>();
    for (Incompatibility i : found) {
      String field = FieldPaths.fieldAt(reader, i.getLocation());
      List<SchemaIncompatibility> inner = insideUnionBranch(mode, i, version, direction);
      if (inner.isEmpty()) {
        result.add(
            new SchemaIncompatibility(
                mode,
                direction,
                version,
                field,
                i.getLocation(),
                i.getType().name(),
                i.getMessage()));
      } else {
        for (SchemaIncompatibility nested : inner) {
          result.add(
              new SchemaIncompatibility(
                  mode,
                  direction,
                  version,
                  nested.field().equals(ROOT) ? field : field + "." + nested.field(),
                  i.getLocation() + nested.location(),
                  nested.rule(),
                  nested.detail()));
        }
      }
    }
    return List.copyOf(result);
  }

  private static final String ROOT = "(record)";

  /**
   * Avro reports a changed record inside an optional field ({@code ["null", Record]}) as a missing
   * union branch; comparing the two versions of that record names the field that really changed.
   */
  private static List<SchemaIncompatibility> insideUnionBranch(
      CompatibilityMode mode, Incompatibility i, int version, Direction direction) {
    if (i.getType() != SchemaCompatibility.SchemaIncompatibilityType.MISSING_UNION_BRANCH
        || i.getReaderFragment().getType() != Schema.Type.UNION
        || i.getWriterFragment().getType() != Schema.Type.UNION) {
      return List.of();
    }
    String location = i.getLocation();
    Schema writerBranch;
    try {
      int index = Integer.parseInt(location.substring(location.lastIndexOf('/') + 1));
      writerBranch = i.getWriterFragment().getTypes().get(index);
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return List.of();
    }
    if (writerBranch.getType() != Schema.Type.RECORD) {
      return List.of();
    }
    return i.getReaderFragment().getTypes().stream()
        .filter(b -> b.getType() == Schema.Type.RECORD)
        .filter(b -> b.getFullName().equals(writerBranch.getFullName()))
        .findFirst()
        .map(readerBranch -> of(mode, readerBranch, writerBranch, version, direction))
        .orElse(List.of());
  }

  /** One line naming the field, the rule and why it matters. */
  public String describe() {
    return describe("version " + version);
  }

  /**
   * @param earlier how to name the earlier schema, e.g. {@code the released version}
   */
  public String describe(String earlier) {
    String who =
        direction == Direction.NEW_READS_OLD
            ? "the new schema cannot read data written with " + earlier
            : earlier + " cannot read data written with the new schema";
    return "field '%s' breaks %s: %s (%s at %s: %s)%s"
        .formatted(field, mode, who, rule, location, detail, hint());
  }

  private String hint() {
    return switch (rule) {
      case "READER_FIELD_MISSING_DEFAULT_VALUE" ->
          "; give the field a default, e.g. make it [\"null\", ...] with \"default\": null";
      case "TYPE_MISMATCH" ->
          "; keep the type, or add a new field with the new type and deprecate this one";
      case "MISSING_ENUM_SYMBOLS", "MISSING_UNION_BRANCH" ->
          "; keep the symbol or branch, or give the enum a default symbol";
      default -> "";
    };
  }
}
