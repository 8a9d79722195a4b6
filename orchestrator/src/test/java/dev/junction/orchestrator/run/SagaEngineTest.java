package dev.junction.orchestrator.run;

import static dev.junction.orchestrator.TestWorkflows.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.orchestrator.TestWorkflows;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunControl;
import dev.junction.wire.RunControlAction;
import dev.junction.wire.RunState;
import dev.junction.wire.RunStatus;
import dev.junction.wire.RunStatusChanged;
import dev.junction.wire.StepState;
import dev.junction.wire.StepStatus;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The saga state machine without a broker: ordering, conditions, delays, retries and their timing,
 * timeouts, compensation in reverse order, compensation failure, deadline, cancel, duplicate and
 * stale replies, resuming after a crash.
 */
class SagaEngineTest {

  private static final String RUN = "run-7";

  private final WorkflowEngine engine = new WorkflowEngine("orchestrator.replies");
  private final WorkflowDefinition trip =
      TestWorkflows.loader().parse("trip.yaml", TestWorkflows.TRIP);

  /** A run driven by hand: the state after each transition, and the last transition. */
  private final class Run {
    RunState state;
    Transition last;
    Instant now = T0;

    Run(int nights) {
      apply(engine.start(trip, request(nights), now));
    }

    Transition apply(Transition transition) {
      last = transition;
      if (transition.changed()) {
        state = transition.state();
      }
      return transition;
    }

    Transition reply(String step, int attempt, ConnectorOutcome outcome, String body) {
      return apply(
          engine.onReply(
              trip,
              state,
              ConnectorReply.newBuilder()
                  .setRunId(RUN)
                  .setStepId(step)
                  .setAttempt(attempt)
                  .setOutcome(outcome)
                  .setOutput(body == null ? null : "{\"status\":200,\"body\":" + body + "}")
                  .setError(outcome == ConnectorOutcome.SUCCEEDED ? null : "backend said no")
                  .build(),
              now));
    }

    Transition ok(String step, String body) {
      return reply(step, attemptOf(step), ConnectorOutcome.SUCCEEDED, body);
    }

    Transition fire(RunTimer timer) {
      now = timer.dueAt();
      return apply(engine.onTimer(trip, state, timer, now));
    }

    int attemptOf(String commandStep) {
      return commands(last).stream()
          .filter(c -> c.getStepId().equals(commandStep))
          .mapToInt(InvokeConnector::getAttempt)
          .max()
          .orElseThrow();
    }
  }

  private static WorkflowRequested request(int nights) {
    WorkflowRequested request = TestWorkflows.createOrderRequest(RUN);
    request.setWorkflow("book-trip");
    request.setBody("{\"to\":\"OSL\",\"nights\":" + nights + "}");
    return request;
  }

  private static List<InvokeConnector> commands(Transition transition) {
    return transition.effects().stream()
        .filter(Effect.SendCommand.class::isInstance)
        .map(e -> ((Effect.SendCommand) e).command())
        .toList();
  }

  private static List<RunTimer> timers(Transition transition, RunTimer.Kind kind) {
    return transition.effects().stream()
        .filter(Effect.ScheduleTimer.class::isInstance)
        .map(e -> ((Effect.ScheduleTimer) e).timer())
        .filter(t -> t.kind() == kind)
        .toList();
  }

  private static RunTimer timer(Transition transition, RunTimer.Kind kind) {
    List<RunTimer> found = timers(transition, kind);
    assertThat(found).hasSize(1);
    return found.getFirst();
  }

  private static WorkflowReply reply(Transition transition) {
    return transition.effects().stream()
        .filter(Effect.SendReply.class::isInstance)
        .map(e -> ((Effect.SendReply) e).reply())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no reply in " + transition.effects()));
  }

  private static List<RunStatusChanged> events(Transition transition) {
    return transition.effects().stream()
        .filter(Effect.PublishEvent.class::isInstance)
        .map(e -> ((Effect.PublishEvent) e).event())
        .toList();
  }

  private static String onlyCommand(Transition transition) {
    List<InvokeConnector> commands = commands(transition);
    assertThat(commands).hasSize(1);
    return commands.getFirst().getStepId();
  }

  private static StepState step(RunState state, String id) {
    return state.getSteps().stream()
        .filter(s -> s.getStepId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void runsStepsInOrderWithTheDelayInBetween() {
    Run run = new Run(2);
    assertThat(onlyCommand(run.last)).isEqualTo("flight");
    assertThat(timer(run.last, RunTimer.Kind.DEADLINE).dueAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(timer(run.last, RunTimer.Kind.TIMEOUT).dueAt()).isEqualTo(T0.plusSeconds(5));

    assertThat(onlyCommand(run.ok("flight", "{\"id\":\"F1\"}"))).isEqualTo("hotel");
    run.ok("hotel", "{\"id\":\"H1\"}");
    assertThat(commands(run.last)).isEmpty();
    RunTimer delay = timer(run.last, RunTimer.Kind.DELAY);
    assertThat(delay.dueAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(step(run.state, "pause").getStatus()).isEqualTo(StepStatus.WAITING);

    assertThat(onlyCommand(run.fire(delay))).isEqualTo("payment");
    run.ok("payment", "{}");

    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPLETED);
    assertThat(reply(run.last).getStatus()).isEqualTo(201);
    assertThat(reply(run.last).getBody()).isEqualTo("{\"flight\":\"F1\"}");
    assertThat(run.state.getSteps())
        .extracting(StepState::getStepId)
        .containsExactly("flight", "hotel", "pause", "payment");
  }

  @Test
  void aFalseConditionSkipsTheStep() {
    Run run = new Run(0);
    run.ok("flight", "{\"id\":\"F1\"}");

    assertThat(step(run.state, "hotel").getStatus()).isEqualTo(StepStatus.SKIPPED);
    assertThat(commands(run.last)).isEmpty();
    assertThat(timers(run.last, RunTimer.Kind.DELAY)).hasSize(1);
    assertThat(events(run.last))
        .anySatisfy(e -> assertThat(e.getDetail()).contains("condition is false"));
  }

  @Test
  void retriesARetryableFailureWithExponentialBackoffThenFails() {
    Run run = new Run(1);
    run.now = T0.plusMillis(300);
    run.reply("flight", 1, ConnectorOutcome.RETRYABLE_ERROR, null);
    assertThat(step(run.state, "flight").getStatus()).isEqualTo(StepStatus.WAITING);
    RunTimer first = timer(run.last, RunTimer.Kind.RETRY);
    assertThat(first.attempt()).isEqualTo(2);
    assertThat(first.dueAt()).isEqualTo(T0.plusMillis(1_300));

    run.fire(first);
    InvokeConnector second = commands(run.last).getFirst();
    assertThat(second.getAttempt()).isEqualTo(2);
    assertThat(second.getIdempotencyKey()).isEqualTo(RUN + ":flight:2");
    assertThat(second.getInput()).isEqualTo(step(run.state, "flight").getInput());

    run.reply("flight", 2, ConnectorOutcome.RETRYABLE_ERROR, null);
    RunTimer third = timer(run.last, RunTimer.Kind.RETRY);
    assertThat(Duration.between(run.now, third.dueAt())).isEqualTo(Duration.ofSeconds(2));

    run.fire(third);
    run.reply("flight", 3, ConnectorOutcome.RETRYABLE_ERROR, null);

    assertThat(run.state.getStatus()).isEqualTo(RunStatus.FAILED);
    StepState flight = step(run.state, "flight");
    assertThat(flight.getStatus()).isEqualTo(StepStatus.FAILED);
    assertThat(flight.getAttempt()).isEqualTo(3);
    assertThat(flight.getErrors()).hasSize(3).first().asString().startsWith("attempt 1:");
    WorkflowReply reply = reply(run.last);
    assertThat(reply.getOutcome()).isEqualTo(WorkflowOutcome.FAILED);
    assertThat(reply.getStatus()).isEqualTo(502);
    assertThat(reply.getProblem().getDetail())
        .isEqualTo("step 'flight' failed after 3 attempts: backend said no");
  }

  @Test
  void aBusinessFailureIsNotRetriedByDefault() {
    Run run = new Run(1);
    run.reply("flight", 1, ConnectorOutcome.FAILED, "{\"error\":\"sold out\"}");

    assertThat(run.state.getStatus()).isEqualTo(RunStatus.FAILED);
    assertThat(timers(run.last, RunTimer.Kind.RETRY)).isEmpty();
    assertThat(step(run.state, "flight").getOutput()).contains("sold out");
  }

  @Test
  void aMissingReplyTimesOutAndIsRetried() {
    Run run = new Run(1);
    RunTimer timeout = timer(run.last, RunTimer.Kind.TIMEOUT);
    run.fire(timeout);

    assertThat(step(run.state, "flight").getErrors())
        .containsExactly("attempt 1: TIMEOUT: no reply within PT5S");
    RunTimer retry = timer(run.last, RunTimer.Kind.RETRY);
    run.fire(retry);
    assertThat(commands(run.last).getFirst().getAttempt()).isEqualTo(2);

    // the late reply of attempt 1 is stale now
    assertThat(run.reply("flight", 1, ConnectorOutcome.SUCCEEDED, "{\"id\":\"F1\"}").changed())
        .isFalse();
    // and the timeout of attempt 1 firing again changes nothing
    assertThat(engine.onTimer(trip, run.state, timeout, run.now).changed()).isFalse();
  }

  @Test
  void compensatesSucceededStepsInReverseOrderOfCompletion() {
    Run run = new Run(2);
    run.ok("flight", "{\"id\":\"F1\"}");
    run.ok("hotel", "{\"id\":\"H1\"}");
    run.fire(timer(run.last, RunTimer.Kind.DELAY));
    run.reply("payment", 1, ConnectorOutcome.FAILED, "{\"error\":\"card declined\"}");

    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPENSATING);
    InvokeConnector undoHotel = commands(run.last).getFirst();
    assertThat(undoHotel.getStepId()).isEqualTo("compensate:hotel");
    assertThat(undoHotel.getInput()).contains("/stays/H1");
    assertThat(undoHotel.getIdempotencyKey()).isEqualTo(RUN + ":compensate:hotel:1");
    assertThat(run.last.effects()).noneMatch(Effect.SendReply.class::isInstance);

    run.ok("compensate:hotel", "{}");
    InvokeConnector undoFlight = commands(run.last).getFirst();
    assertThat(undoFlight.getStepId()).isEqualTo("compensate:flight");
    assertThat(undoFlight.getInput()).contains("/bookings/F1");

    run.ok("compensate:flight", "{}");
    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPENSATED);
    assertThat(run.state.getCompensations())
        .extracting(StepState::getStepId, StepState::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("hotel", StepStatus.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple("flight", StepStatus.SUCCEEDED));
    WorkflowReply reply = reply(run.last);
    assertThat(reply.getStatus()).isEqualTo(502);
    assertThat(reply.getProblem().getTitle()).isEqualTo("The trip could not be booked");
    assertThat(reply.getProblem().getDetail())
        .isEqualTo("step 'payment' failed: backend said no; compensated steps hotel, flight");
  }

  @Test
  void aCompensationThatKeepsFailingEndsTheRunCompensationFailed() {
    Run run = new Run(2);
    run.ok("flight", "{\"id\":\"F1\"}");
    run.ok("hotel", "{\"id\":\"H1\"}");
    run.fire(timer(run.last, RunTimer.Kind.DELAY));
    run.reply("payment", 1, ConnectorOutcome.FAILED, null);

    run.reply("compensate:hotel", 1, ConnectorOutcome.RETRYABLE_ERROR, null);
    RunTimer retry = timer(run.last, RunTimer.Kind.RETRY);
    assertThat(retry.stepId()).isEqualTo("compensate:hotel");
    run.fire(retry);
    assertThat(commands(run.last).getFirst().getAttempt()).isEqualTo(2);
    run.reply("compensate:hotel", 2, ConnectorOutcome.RETRYABLE_ERROR, null);

    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPENSATION_FAILED);
    assertThat(events(run.last))
        .last()
        .satisfies(e -> assertThat(e.getStatus()).isEqualTo(RunStatus.COMPENSATION_FAILED));
    assertThat(reply(run.last).getProblem().getDetail())
        .contains("the compensation of step 'hotel' failed after 2 attempts");
    // the flight is not touched once a compensation failed: a person must look
    assertThat(run.state.getCompensations()).hasSize(1);
  }

  @Test
  void repeatedAndStaleRepliesChangeNothing() {
    Run run = new Run(2);
    run.ok("flight", "{\"id\":\"F1\"}");
    RunState atHotel = run.state;

    assertThat(run.reply("flight", 1, ConnectorOutcome.SUCCEEDED, "{\"id\":\"F2\"}").changed())
        .isFalse();
    assertThat(run.reply("hotel", 2, ConnectorOutcome.SUCCEEDED, "{}").changed()).isFalse();
    assertThat(run.reply("compensate:flight", 1, ConnectorOutcome.SUCCEEDED, "{}").changed())
        .isFalse();
    assertThat(run.state).isEqualTo(atHotel);

    run.reply("hotel", 1, ConnectorOutcome.SUCCEEDED, "{\"id\":\"H1\"}");
    run.fire(timer(run.last, RunTimer.Kind.DELAY));
    run.ok("payment", "{}");
    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPLETED);
    assertThat(run.reply("payment", 1, ConnectorOutcome.SUCCEEDED, "{}").changed()).isFalse();
  }

  @Test
  void theDeadlineAbandonsTheStepInFlightAndCompensates() {
    Run run = new Run(2);
    RunTimer deadline = timer(run.last, RunTimer.Kind.DEADLINE);
    run.ok("flight", "{\"id\":\"F1\"}");

    run.fire(deadline);

    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPENSATING);
    assertThat(step(run.state, "hotel").getStatus()).isEqualTo(StepStatus.CANCELLED);
    assertThat(onlyCommand(run.last)).isEqualTo("compensate:flight");
    run.ok("compensate:flight", "{}");
    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPENSATED);
    assertThat(reply(run.last).getStatus()).isEqualTo(504);
    // the abandoned step's late reply is ignored
    assertThat(run.reply("hotel", 1, ConnectorOutcome.SUCCEEDED, "{}").changed()).isFalse();
  }

  @Test
  void cancelCompensatesAndEndsCancelled() {
    Run run = new Run(2);
    run.ok("flight", "{\"id\":\"F1\"}");
    RunControl cancel =
        RunControl.newBuilder()
            .setRunId(RUN)
            .setAction(RunControlAction.CANCEL)
            .setRequestedBy("ops")
            .setReason("customer called")
            .setRequestedAt(run.now)
            .build();

    run.apply(engine.cancel(trip, run.state, cancel, run.now));
    assertThat(onlyCommand(run.last)).isEqualTo("compensate:flight");
    run.ok("compensate:flight", "{}");

    assertThat(run.state.getStatus()).isEqualTo(RunStatus.CANCELLED);
    assertThat(reply(run.last).getProblem().getDetail())
        .startsWith("the run was cancelled by ops: customer called");
    assertThat(engine.cancel(trip, run.state, cancel, run.now).changed()).isFalse();
  }

  @Test
  void resumeSendsTheAttemptInFlightAndItsTimersAgain() {
    Run run = new Run(2);
    run.ok("flight", "{\"id\":\"F1\"}");

    List<Effect> effects = engine.resume(trip, run.state);

    Transition asTransition = new Transition(run.state, effects);
    InvokeConnector again = commands(asTransition).getFirst();
    assertThat(again.getIdempotencyKey()).isEqualTo(RUN + ":hotel:1");
    assertThat(timer(asTransition, RunTimer.Kind.TIMEOUT).dueAt())
        .isEqualTo(step(run.state, "hotel").getStartedAt().plusSeconds(30));
    assertThat(timer(asTransition, RunTimer.Kind.DEADLINE).dueAt()).isEqualTo(T0.plusSeconds(60));

    // the engine goes on from the resumed state as from any other
    run.reply("hotel", 1, ConnectorOutcome.FATAL_ERROR, null);
    assertThat(run.state.getStatus()).isEqualTo(RunStatus.COMPENSATING);
    assertThat(onlyCommand(run.last)).isEqualTo("compensate:flight");
  }

  @Test
  void eventsAreNumberedWithinTheRun() {
    Run run = new Run(2);
    long first = events(run.last).getLast().getSequence();
    run.ok("flight", "{\"id\":\"F1\"}");

    assertThat(events(run.last))
        .extracting(RunStatusChanged::getSequence)
        .containsExactly(first + 1);
    assertThat(run.state.getSequence()).isEqualTo(first + 1);
  }

  @Test
  void aResubmissionGoesOnFromTheFailedStepWithTheEarlierOutputs() {
    WorkflowDefinition plain =
        TestWorkflows.loader()
            .parse(
                "plain.yaml",
                """
                name: plain
                version: "3"
                steps:
                  - id: one
                    connector: http-connector
                    connection: c
                    operation: request
                    input: {path: /one}
                  - id: two
                    connector: http-connector
                    connection: c
                    operation: request
                    input: {path: "/two/${steps.one.output.body.id}"}
                response: {status: 200}
                """);
    WorkflowRequested request = request(0);
    request.setWorkflow("plain");
    RunState started = engine.start(plain, request, T0).state();
    RunState atTwo =
        engine
            .onReply(
                plain,
                started,
                reply(
                    "one",
                    1,
                    ConnectorOutcome.SUCCEEDED,
                    "{\"status\":200,\"body\":{\"id\":\"X\"}}",
                    null),
                T0)
            .state();
    RunState failed =
        engine
            .onReply(plain, atTwo, reply("two", 1, ConnectorOutcome.FAILED, null, "no"), T0)
            .state();
    assertThat(failed.getStatus()).isEqualTo(RunStatus.FAILED);

    WorkflowRequested again =
        WorkflowRequested.newBuilder(request)
            .setRunId("run-8")
            .setTrigger("retry-from:" + RUN)
            .build();
    Transition resumed = engine.startFrom(plain, again, failed, T0.plusSeconds(60));

    assertThat(resumed.state().getWorkflowVersion()).isEqualTo("3");
    assertThat(resumed.state().getSteps())
        .extracting(StepState::getStepId, StepState::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("one", StepStatus.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple("two", StepStatus.RUNNING));
    InvokeConnector two = commands(resumed).getFirst();
    assertThat(two.getIdempotencyKey()).isEqualTo("run-8:two:1");
    assertThat(two.getInput()).isEqualTo("{\"path\":\"/two/X\"}");
  }

  private static ConnectorReply reply(
      String step, int attempt, ConnectorOutcome outcome, String output, String error) {
    return ConnectorReply.newBuilder()
        .setRunId(RUN)
        .setStepId(step)
        .setAttempt(attempt)
        .setOutcome(outcome)
        .setOutput(output)
        .setError(error)
        .build();
  }
}
