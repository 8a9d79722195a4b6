package dev.junction.orchestrator.workflow;

import dev.junction.orchestrator.expression.Template;
import java.time.Duration;
import java.util.Objects;

/**
 * One step of a workflow: a call of a connector operation, or a delay.
 *
 * @param id unique within the definition; later expressions read its output as {@code
 *     steps.<id>.output}
 * @param when condition evaluated when the step is reached; {@code false} skips it; {@code null}
 *     means always
 * @param call the connector operation the step calls, or {@code null} for a delay step
 * @param delay how long a delay step waits, or {@code null} for a call step
 * @param timeout how long one attempt may wait for its reply before it counts as failed with
 *     outcome {@code TIMEOUT}
 * @param retry when and how a failed attempt is tried again
 * @param compensation what undoes the step once it has succeeded, or {@code null} when nothing
 *     needs undoing
 */
public record StepDefinition(
    String id,
    Template when,
    Call call,
    Duration delay,
    Duration timeout,
    RetryPolicy retry,
    Compensation compensation) {

  public StepDefinition {
    Objects.requireNonNull(id, "id");
    if ((call == null) == (delay == null)) {
      throw new IllegalArgumentException("a step is either a call or a delay: " + id);
    }
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retry, "retry");
  }

  /** A call step without condition, retries or compensation. */
  public static StepDefinition call(String id, Call call, Duration timeout) {
    return new StepDefinition(id, null, call, null, timeout, RetryPolicy.NONE, null);
  }

  /** Whether the step waits instead of calling a connector. */
  public boolean isDelay() {
    return delay != null;
  }

  /**
   * A connector operation with its input.
   *
   * @param connector the connector service, whose command topic is {@code <connector>.commands}
   * @param connection a connection configured in the connector (e.g. a backend base URL)
   * @param operation the connector's operation, e.g. {@code request} for the http-connector
   * @param input the operation's input, built from expressions over the request and earlier steps
   */
  public record Call(String connector, String connection, String operation, Template input) {}

  /**
   * How a succeeded step is undone when a later step fails for good, the run passes its deadline or
   * is cancelled.
   *
   * @param call the undoing operation; its input may read the step's own output
   * @param timeout how long one attempt may wait for its reply
   * @param retry how the compensation is retried; a compensation that exhausts it leaves the run
   *     {@code COMPENSATION_FAILED}
   */
  public record Compensation(Call call, Duration timeout, RetryPolicy retry) {}
}
