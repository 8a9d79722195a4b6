package dev.junction.contract.schema;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Turns the JSON pointers of Avro's compatibility report into field names a person reads. */
final class FieldPaths {

  private FieldPaths() {}

  /**
   * The dotted field path a pointer such as {@code /fields/2/type/fields/0} designates in {@code
   * schema} ({@code customer.name}); {@code (record)} for the root.
   */
  static String fieldAt(Schema schema, String location) {
    List<String> names = new ArrayList<>();
    Schema current = schema;
    String[] tokens = location == null ? new String[0] : location.split("/");
    for (int i = 0; i < tokens.length && current != null; i++) {
      String token = tokens[i];
      switch (token) {
        case "", "type", "name" -> {}
        case "fields" -> {
          if (i + 1 < tokens.length && current.getType() == Schema.Type.RECORD) {
            Schema.Field field = field(current, tokens[++i]);
            if (field == null) {
              current = null;
            } else {
              names.add(field.name());
              current = field.schema();
            }
          }
        }
        case "items" -> {
          current = current.getType() == Schema.Type.ARRAY ? current.getElementType() : null;
          names.add("[]");
        }
        case "values" -> {
          current = current.getType() == Schema.Type.MAP ? current.getValueType() : null;
          names.add("{}");
        }
        default -> current = branch(current, token);
      }
    }
    if (names.isEmpty()) {
      return "(record)";
    }
    return String.join(".", names).replace(".[]", "[]").replace(".{}", "{}");
  }

  private static Schema.Field field(Schema record, String index) {
    try {
      int i = Integer.parseInt(index);
      return i < record.getFields().size() ? record.getFields().get(i) : null;
    } catch (NumberFormatException e) {
      return record.getField(index);
    }
  }

  /** A union branch by index; anything else ends the walk. */
  private static Schema branch(Schema union, String token) {
    if (union.getType() != Schema.Type.UNION) {
      return null;
    }
    try {
      int i = Integer.parseInt(token);
      return i < union.getTypes().size() ? union.getTypes().get(i) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
