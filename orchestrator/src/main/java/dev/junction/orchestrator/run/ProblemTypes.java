package dev.junction.orchestrator.run;

/**
 * The problem types (RFC 9457 {@code type} URIs) a run can end with. Stable: clients match them.
 */
public final class ProblemTypes {

  private static final String BASE = "https://junction.dev/problems/";

  /** A step's connector reported a failure. */
  public static final String STEP_FAILED = BASE + "step-failed";

  /** An expression of the definition failed on this run's data. */
  public static final String EXPRESSION_FAILED = BASE + "expression-failed";

  /** The requested workflow (or the version a run is pinned to) is not loaded. */
  public static final String UNKNOWN_WORKFLOW = BASE + "unknown-workflow";

  /** The run did not end before its deadline (the definition's {@code timeout}). */
  public static final String RUN_DEADLINE = BASE + "run-deadline";

  /** The run was cancelled through the runs API. */
  public static final String RUN_CANCELLED = BASE + "run-cancelled";

  /** A run control command (e.g. cancel) does not apply to the run in its current state. */
  public static final String RUN_CONFLICT = BASE + "run-conflict";

  /** A request to the runs API is malformed (e.g. an unknown status filter). */
  public static final String BAD_REQUEST = BASE + "bad-request";

  /** No run has the requested id. */
  public static final String RUN_NOT_FOUND = BASE + "run-not-found";

  /** The service cannot answer now; retry later. */
  public static final String OVERLOADED = BASE + "overloaded";

  private ProblemTypes() {}
}
