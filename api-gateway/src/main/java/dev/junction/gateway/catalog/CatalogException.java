package dev.junction.gateway.catalog;

import java.util.List;

/** An API catalog file (or the catalog as a whole) that cannot be served, with every reason. */
public class CatalogException extends RuntimeException {

  private final String source;
  private final List<String> problems;

  public CatalogException(String source, List<String> problems) {
    super(message(source, problems));
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  public CatalogException(String source, String problem, Throwable cause) {
    super(message(source, List.of(problem)), cause);
    this.source = source;
    this.problems = List.of(problem);
  }

  /** The file the problems are in, relative to the catalog folder (or the folder itself). */
  public String source() {
    return source;
  }

  /** Each problem as {@code <path in the file>: <what is wrong>}. */
  public List<String> problems() {
    return problems;
  }

  private static String message(String source, List<String> problems) {
    return "Invalid API catalog file "
        + source
        + ":"
        + problems.stream().map(p -> "\n  - " + p).reduce("", String::concat);
  }
}
