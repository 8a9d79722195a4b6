package dev.junction.orchestrator.workflow;

import java.util.List;
import java.util.stream.Collectors;

/** A workflow file that cannot be loaded, with every problem found, each located by its path. */
public final class InvalidWorkflowException extends RuntimeException {

  /**
   * One problem in a definition.
   *
   * @param path where it is, e.g. {@code steps[1].connector}; {@code (document)} for the whole file
   * @param problem what is wrong
   */
  public record Violation(String path, String problem) {
    @Override
    public String toString() {
      return path + ": " + problem;
    }
  }

  private final String source;
  private final List<Violation> violations;

  public InvalidWorkflowException(String source, List<Violation> violations) {
    super(
        "workflow definition "
            + source
            + " is invalid:"
            + violations.stream().map(v -> "\n  - " + v).collect(Collectors.joining()));
    this.source = source;
    this.violations = List.copyOf(violations);
  }

  /** The file (or other source) of the definition. */
  public String source() {
    return source;
  }

  public List<Violation> violations() {
    return violations;
  }
}
