package dev.junction.gateway.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A text with {@code {{...}}} placeholders, the catalog's only template language: substitution and
 * nothing else (no conditions, loops, method calls or expressions), so a template cannot run code
 * and costs one pass over its text.
 *
 * <ul>
 *   <li>{@code {{name}}}: a named value ({@link NamedValues}), resolved when the catalog is loaded;
 *   <li>{@code {{request.method}}}, {@code {{request.path}}}, {@code {{request.pathParams.NAME}}},
 *       {@code {{request.query.NAME}}}, {@code {{request.headers.NAME}}}, {@code {{request.body}}},
 *       {@code {{request.body.a.b.0}}};
 *   <li>{@code {{response.status}}}, {@code {{response.headers.NAME}}}, {@code {{response.body}}},
 *       {@code {{response.body.a.b}}} (response templates only).
 * </ul>
 *
 * A value is escaped for where it lands ({@link Escaping}): inside a JSON body as the content of a
 * JSON string; {@code {{{...}}}} inserts it unescaped (a JSON member as its JSON text). A missing
 * value is empty.
 *
 * @param source the template as written, named values unexpanded (what {@link #toString()} shows)
 * @param parts literal texts and references, in order
 */
public record Template(String source, List<Part> parts) {

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.~$-]+");

  public Template {
    parts = List.copyOf(parts);
  }

  /** What a template may refer to besides named values. */
  public enum Root {
    REQUEST,
    RESPONSE
  }

  /** One piece of a template. */
  public sealed interface Part {}

  /** Text copied as it is. */
  public record Literal(String text) implements Part {}

  /**
   * A value of the call: {@code root.first.rest...}.
   *
   * @param root request or response
   * @param path e.g. {@code [headers, X-Tenant]} or {@code [body, items, 0]}
   * @param raw whether it is inserted without escaping ({@code {{{...}}}})
   */
  public record Reference(Root root, List<String> path, boolean raw) implements Part {
    public Reference {
      path = List.copyOf(path);
    }
  }

  /** A named value, resolved at load time. */
  public record Named(Secret secret, boolean raw) implements Part {}

  /** How inserted values are escaped. */
  public enum Escaping {
    /** Inserted as they are. */
    NONE,
    /** As the content of a JSON string: quotes, backslashes and control characters escaped. */
    JSON,
    /** Control characters (CR, LF...) dropped: a header value can never be split. */
    HEADER
  }

  /** Reads the values of the call a template refers to. */
  @FunctionalInterface
  public interface Values {
    /**
     * @return the value at {@code path} under {@code root}, or {@code null} when there is none
     */
    JsonNode lookup(Root root, List<String> path);
  }

  /** Thrown for a template that cannot be used; the message says why, never a value. */
  public static final class InvalidTemplate extends IllegalArgumentException {
    public InvalidTemplate(String message) {
      super(message);
    }
  }

  /**
   * Parses a template and resolves its named values.
   *
   * @param source the text
   * @param namedValues where {@code {{name}}} is read from
   * @param response whether it renders a response (may use {@code response.*}, not {@code
   *     request.body})
   * @throws InvalidTemplate naming the first problem
   */
  public static Template parse(String source, NamedValues namedValues, boolean response) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int at = 0;
    while (at < source.length()) {
      int open = source.indexOf("{{", at);
      if (open < 0) {
        literal.append(source, at, source.length());
        break;
      }
      literal.append(source, at, open);
      boolean raw = source.startsWith("{{{", open);
      String close = raw ? "}}}" : "}}";
      int start = open + (raw ? 3 : 2);
      int end = source.indexOf(close, start);
      if (end < 0) {
        throw new InvalidTemplate("'" + (raw ? "{{{" : "{{") + "' at " + open + " is not closed");
      }
      if (!literal.isEmpty()) {
        parts.add(new Literal(literal.toString()));
        literal.setLength(0);
      }
      parts.add(part(source.substring(start, end).trim(), raw, namedValues, response));
      at = end + close.length();
    }
    if (!literal.isEmpty()) {
      parts.add(new Literal(literal.toString()));
    }
    return new Template(source, parts);
  }

  /** A template without placeholders. */
  public static Template literal(String text) {
    return new Template(text, List.of(new Literal(text)));
  }

  private static Part part(
      String expression, boolean raw, NamedValues namedValues, boolean response) {
    if (expression.isEmpty()) {
      throw new InvalidTemplate("empty placeholder {{}}");
    }
    String[] segments = expression.split("\\.", -1);
    String first = segments[0];
    if (segments.length == 1 && !NamedValues.reserved(first)) {
      if (!NamedValues.NAME.matcher(first).matches()) {
        throw new InvalidTemplate(
            "'" + expression + "' is neither a named value nor request.* / response.*");
      }
      return switch (namedValues.resolve(first)) {
        case NamedValues.Resolution.Found found -> new Named(found.secret(), raw);
        case NamedValues.Resolution.Missing missing -> throw new InvalidTemplate(missing.reason());
      };
    }
    Root root =
        switch (first) {
          case "request" -> Root.REQUEST;
          case "response" -> Root.RESPONSE;
          default ->
              throw new InvalidTemplate(
                  "'" + expression + "': a placeholder is a named value, request.* or response.*");
        };
    List<String> path = List.of(segments).subList(1, segments.length);
    for (String segment : path) {
      if (!SEGMENT.matcher(segment).matches()) {
        throw new InvalidTemplate("'" + expression + "' has an empty or invalid segment");
      }
    }
    if (root == Root.RESPONSE && !response) {
      throw new InvalidTemplate(
          "'" + expression + "': response.* is only available in response templates");
    }
    String field = path.isEmpty() ? "" : path.getFirst();
    boolean valid =
        switch (root) {
          case REQUEST ->
              switch (field) {
                case "method", "path" -> path.size() == 1;
                case "pathParams", "query", "headers" -> path.size() == 2;
                case "body" -> !response;
                default -> false;
              };
          case RESPONSE ->
              switch (field) {
                case "status" -> path.size() == 1;
                case "headers" -> path.size() == 2;
                case "body" -> true;
                default -> false;
              };
        };
    if (!valid) {
      throw new InvalidTemplate(
          "'"
              + expression
              + "' is not available; use "
              + (root == Root.REQUEST
                  ? "request.method, request.path, request.pathParams.NAME, request.query.NAME,"
                      + " request.headers.NAME"
                      + (response ? "" : ", request.body[.member...]")
                  : "response.status, response.headers.NAME, response.body[.member...]"));
    }
    return new Reference(root, path, raw);
  }

  /** Whether the template reads the request body (which then has to be buffered). */
  public boolean readsBody(Root root) {
    return parts.stream()
        .anyMatch(
            p ->
                p instanceof Reference r
                    && r.root() == root
                    && !r.path().isEmpty()
                    && r.path().getFirst().equals("body"));
  }

  /** The names of the named values used. */
  public List<String> namedValues() {
    return parts.stream()
        .filter(Named.class::isInstance)
        .map(p -> ((Named) p).secret().name())
        .toList();
  }

  /** The text with every placeholder replaced. */
  public String render(Values values, Escaping escaping) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      switch (part) {
        case Literal literal -> out.append(literal.text());
        case Named named -> out.append(escape(named.secret().value(), named.raw(), escaping));
        case Reference reference ->
            out.append(
                escape(
                    text(values.lookup(reference.root(), reference.path())),
                    reference.raw(),
                    escaping));
      }
    }
    return out.toString();
  }

  /** Whether rendering depends on the call (else it renders the same text every time). */
  public boolean isConstant() {
    return parts.stream().noneMatch(Reference.class::isInstance);
  }

  private static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "";
    }
    return value.isValueNode() ? value.asString() : JSON.writeValueAsString(value);
  }

  private static String escape(String value, boolean raw, Escaping escaping) {
    return switch (escaping) {
      case HEADER -> value.replaceAll("\\p{Cntrl}", "");
      case JSON -> raw ? value : jsonContent(value);
      case NONE -> value;
    };
  }

  private static String jsonContent(String value) {
    String quoted = JSON.writeValueAsString(value);
    return quoted.substring(1, quoted.length() - 1);
  }

  @Override
  public String toString() {
    return source;
  }
}
