package dev.junction.orchestrator.workflow;

/**
 * How a run whose step failed answers the caller (problem details of type {@code step-failed}).
 *
 * @param status HTTP status, 502 unless the definition says otherwise
 * @param title problem title
 */
public record FailureMapping(int status, String title) {

  /** Used when a definition has no {@code failure} section. */
  public static final FailureMapping DEFAULT = new FailureMapping(502, "A backend step failed");
}
