package dev.junction.orchestrator.workflow;

import dev.junction.orchestrator.expression.Template;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One step of a workflow: a call of a connector operation, a delay, parallel branches (each a
 * call), or a call for each item of a list.
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
 * @param branches for a parallel step, its branches (call steps run at the same time); empty
 *     otherwise
 * @param join for a parallel step, when it is done
 * @param forEach for a forEach step, the expression giving the list whose items it calls for, or
 *     {@code null}
 * @param concurrency for a forEach step, how many items are in flight at most
 * @param cases for a switch step, its cases in order (call steps, each with a condition but maybe
 *     the last); the first whose condition holds runs; empty otherwise
 * @param until for a wait-until step, the expression giving the instant to wait for (ISO-8601 text
 *     or epoch milliseconds), or {@code null}
 */
public record StepDefinition(
    String id,
    Template when,
    Call call,
    Duration delay,
    Duration timeout,
    RetryPolicy retry,
    Compensation compensation,
    List<StepDefinition> branches,
    Join join,
    Template forEach,
    int concurrency,
    List<StepDefinition> cases,
    Template until) {

  public StepDefinition {
    Objects.requireNonNull(id, "id");
    branches = List.copyOf(branches);
    cases = List.copyOf(cases);
    int kinds =
        (delay != null || until != null ? 1 : 0)
            + (!branches.isEmpty() ? 1 : 0)
            + (call != null ? 1 : 0)
            + (!cases.isEmpty() ? 1 : 0);
    if (kinds != 1 || (forEach != null && call == null)) {
      throw new IllegalArgumentException(
          "a step is one of a call, a delay, parallel branches or a forEach call: " + id);
    }
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(join, "join");
  }

  /** A call step: with optional condition, timeout, retries and compensation. */
  public static StepDefinition call(
      String id,
      Template when,
      Call call,
      Duration timeout,
      RetryPolicy retry,
      Compensation compensation) {
    return new StepDefinition(
        id,
        when,
        call,
        null,
        timeout,
        retry,
        compensation,
        List.of(),
        Join.ALL,
        null,
        1,
        List.of(),
        null);
  }

  /** A step that waits: {@code delay} long, or until the instant {@code until} gives. */
  public static StepDefinition waiting(
      String id, Template when, Duration delay, Template until, Duration timeout) {
    return new StepDefinition(
        id,
        when,
        null,
        delay,
        timeout,
        RetryPolicy.NONE,
        null,
        List.of(),
        Join.ALL,
        null,
        1,
        List.of(),
        until);
  }

  /** A call made once per item of the list {@code forEach} gives, {@code concurrency} at a time. */
  public static StepDefinition forEach(StepDefinition call, Template forEach, int concurrency) {
    return new StepDefinition(
        call.id(),
        call.when(),
        call.call(),
        null,
        call.timeout(),
        call.retry(),
        call.compensation(),
        List.of(),
        Join.ALL,
        forEach,
        concurrency,
        List.of(),
        null);
  }

  /** Branches run at the same time, done as {@code join} says. */
  public static StepDefinition parallel(
      String id, Template when, List<StepDefinition> branches, Join join, Duration timeout) {
    return new StepDefinition(
        id,
        when,
        null,
        null,
        timeout,
        RetryPolicy.NONE,
        null,
        branches,
        join,
        null,
        1,
        List.of(),
        null);
  }

  /** Cases of which the first whose condition holds runs. */
  public static StepDefinition choice(
      String id, Template when, List<StepDefinition> cases, Duration timeout) {
    return new StepDefinition(
        id,
        when,
        null,
        null,
        timeout,
        RetryPolicy.NONE,
        null,
        List.of(),
        Join.ALL,
        null,
        1,
        cases,
        null);
  }

  /** What a step does. */
  public enum Kind {
    CALL,
    DELAY,
    PARALLEL,
    FOR_EACH,
    SWITCH
  }

  public Kind kind() {
    if (delay != null || until != null) {
      return Kind.DELAY;
    }
    if (!branches.isEmpty()) {
      return Kind.PARALLEL;
    }
    if (!cases.isEmpty()) {
      return Kind.SWITCH;
    }
    return forEach != null ? Kind.FOR_EACH : Kind.CALL;
  }

  /** The branches or cases of a group step, whose ids name its units of work. */
  public List<StepDefinition> parts() {
    return kind() == Kind.SWITCH ? cases : branches;
  }

  /** Whether the step waits instead of calling a connector. */
  public boolean isDelay() {
    return delay != null || until != null;
  }

  /** When a parallel step is done. */
  public enum Join {
    /** When every branch succeeded; the first branch failing for good fails the step. */
    ALL,
    /** When one branch succeeded (the others are abandoned); fails when every branch failed. */
    FIRST
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
