package dev.junction.orchestrator.expression;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a string into literal text and {@code ${...}} expressions. Braces and quotes inside an
 * expression are balanced, so a CEL map literal such as {@code ${ {'a': 1} }} is one expression.
 */
final class TemplateParser {

  /** A piece of a string: literal text, or the source of an expression (without {@code ${}}). */
  record Segment(String text, boolean expression) {}

  private TemplateParser() {}

  /**
   * @throws IllegalArgumentException for an unterminated or empty {@code ${}
   */
  static List<Segment> parse(String text) {
    List<Segment> segments = new ArrayList<>();
    int position = 0;
    while (position < text.length()) {
      int start = text.indexOf("${", position);
      if (start < 0) {
        segments.add(new Segment(text.substring(position), false));
        break;
      }
      if (start > position) {
        segments.add(new Segment(text.substring(position, start), false));
      }
      int end = closingBrace(text, start + 2);
      String source = text.substring(start + 2, end).strip();
      if (source.isEmpty()) {
        throw new IllegalArgumentException("empty expression '${}' at column " + (start + 1));
      }
      segments.add(new Segment(source, true));
      position = end + 1;
    }
    return segments;
  }

  private static int closingBrace(String text, int from) {
    int depth = 1;
    char quote = 0;
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "unterminated expression starting at column " + (from - 1) + ": missing '}'");
  }
}
