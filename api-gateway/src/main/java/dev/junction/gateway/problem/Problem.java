package dev.junction.gateway.problem;

import dev.junction.gateway.catalog.Violation;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * RFC 9457 problem details as the gateway renders them.
 *
 * @param type stable URI of the kind of problem
 * @param title short summary of the kind of problem
 * @param status HTTP status
 * @param detail explanation of this occurrence, or {@code null}
 * @param errors every violation of an invalid request body (empty for other problems)
 */
public record Problem(URI type, String title, int status, String detail, List<Violation> errors) {

  public Problem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    errors = List.copyOf(errors);
  }

  /** The same problem listing the violations of a request body. */
  public Problem withErrors(List<Violation> violations) {
    return new Problem(type, title, status, detail, violations);
  }
}
