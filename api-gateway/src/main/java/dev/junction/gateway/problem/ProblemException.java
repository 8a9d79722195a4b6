package dev.junction.gateway.problem;

import java.util.Map;

/**
 * Ends request processing with a problem response; {@link ProblemExceptionHandler} renders it.
 * Carries extra response headers such as {@code Allow} or {@code Retry-After}.
 */
public class ProblemException extends RuntimeException {

  private final transient Problem problem;
  private final Map<String, String> headers;

  public ProblemException(Problem problem) {
    this(problem, Map.of());
  }

  public ProblemException(Problem problem, Map<String, String> headers) {
    super(problem.title() + (problem.detail() == null ? "" : ": " + problem.detail()));
    this.problem = problem;
    this.headers = Map.copyOf(headers);
  }

  public Problem problem() {
    return problem;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
