package dev.junction.orchestrator.expression;

/** An expression that does not compile. The message carries CEL's pointer to the column. */
public final class ExpressionSyntaxException extends RuntimeException {

  private final String source;

  public ExpressionSyntaxException(String source, String message, Throwable cause) {
    super(message, cause);
    this.source = source;
  }

  /** The expression text. */
  public String source() {
    return source;
  }
}
