package dev.junction.gateway.subscription;

import java.util.List;

/** A product file that cannot be served, with every reason. */
public class ProductException extends RuntimeException {

  private final List<String> problems;

  public ProductException(String source, List<String> problems) {
    super(
        "Invalid product file "
            + source
            + ":"
            + problems.stream().map(p -> "\n  - " + p).reduce("", String::concat));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code <path in the file>: <what is wrong>}. */
  public List<String> problems() {
    return problems;
  }
}
