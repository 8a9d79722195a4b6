package dev.junction.contract.schema;

import java.util.List;

/** Schemas that cannot be used as they are, with every reason. */
public class SchemaException extends RuntimeException {

  private final List<String> problems;

  public SchemaException(String what, List<String> problems) {
    super(what + ":" + problems.stream().map(p -> "\n  - " + p).reduce("", String::concat));
    this.problems = List.copyOf(problems);
  }

  public SchemaException(String message, Throwable cause) {
    super(message, cause);
    this.problems = List.of(message);
  }

  /** Each problem on its own, naming the schema or subject it is about. */
  public List<String> problems() {
    return problems;
  }
}
