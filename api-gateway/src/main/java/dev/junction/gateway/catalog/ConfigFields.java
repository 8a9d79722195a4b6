package dev.junction.gateway.catalog;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reading fields of the gateway's YAML configuration files (the API catalog, the products), each
 * problem added to a list as {@code path: what is wrong}, so that a file's every problem is named
 * at once.
 */
public final class ConfigFields {

  private ConfigFields() {}

  /**
   * A text (or number) field, trimmed.
   *
   * @param at the path of {@code node}, or {@code null} at the top
   * @param pattern what the text must match, or {@code null}
   * @param format the pattern in words, for the problem
   * @return the text, or {@code null} when it is missing or wrong (a problem is added when it is
   *     wrong, or missing and required, or empty and required)
   */
  public static String text(
      JsonNode node,
      String at,
      String key,
      boolean required,
      Pattern pattern,
      String format,
      List<String> problems) {
    String where = at == null ? key : at + "." + key;
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      if (required) {
        problems.add(where + ": is required");
      }
      return null;
    }
    if (!(value.isString() || value.isNumber())) {
      problems.add(where + ": must be a text value");
      return null;
    }
    String text = value.asString().trim();
    if (required && text.isEmpty()) {
      problems.add(where + ": must not be empty");
      return null;
    }
    if (pattern != null && !pattern.matcher(text).matches()) {
      problems.add(where + ": must be " + format + ", got '" + text + "'");
      return null;
    }
    return text;
  }

  /** Adds a problem for each key of {@code node} that is not {@code known}. */
  public static void unknownKeys(
      JsonNode node, String prefix, Set<String> known, List<String> problems) {
    for (String key : node.propertyNames()) {
      if (!known.contains(key)) {
        problems.add(
            prefix
                + key
                + ": unknown key (expected one of "
                + String.join(", ", new TreeSet<>(known))
                + ")");
      }
    }
  }
}
