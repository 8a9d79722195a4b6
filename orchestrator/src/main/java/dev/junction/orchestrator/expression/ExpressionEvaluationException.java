package dev.junction.orchestrator.expression;

/**
 * An expression (or a template) that failed while evaluating: a missing field, a type error, an
 * exceeded iteration budget. The message names the expression and, for templates, where in the
 * template it sits, e.g. {@code expression 'steps.create.output.body.orderId' at body.orderId
 * failed: key 'orderId' is not present in map}.
 */
public final class ExpressionEvaluationException extends RuntimeException {

  private final String source;
  private final String path;
  private final String reason;

  public ExpressionEvaluationException(String source, String reason, Throwable cause) {
    this(source, "", reason, cause);
  }

  private ExpressionEvaluationException(
      String source, String path, String reason, Throwable cause) {
    super(
        "expression '"
            + source
            + "'"
            + (path.isEmpty() ? "" : " at " + path)
            + " failed: "
            + reason,
        cause);
    this.source = source;
    this.path = path;
    this.reason = reason;
  }

  /** The expression text. */
  public String source() {
    return source;
  }

  /** Where in the template the expression sits; empty for a bare expression. */
  public String path() {
    return path;
  }

  /**
   * The same failure one level further out in a template.
   *
   * @param segment a field name or an {@code [index]}
   */
  public ExpressionEvaluationException within(String segment) {
    String joined =
        path.isEmpty() ? segment : path.startsWith("[") ? segment + path : segment + "." + path;
    return new ExpressionEvaluationException(source, joined, reason, getCause());
  }
}
