package dev.junction.orchestrator.run;

import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunStatusChanged;
import dev.junction.wire.WorkflowReply;

/** A message a transition asks to send. The Kafka adapter turns each into a produced record. */
public sealed interface Effect {

  /** The run id every effect is keyed by. */
  String runId();

  /** Send a step's command to its connector's command topic. */
  record SendCommand(String topic, InvokeConnector command) implements Effect {
    @Override
    public String runId() {
      return command.getRunId();
    }
  }

  /**
   * Send the final reply to the requesting gateway instance's topic and partition (only for runs
   * someone awaits).
   */
  record SendReply(String topic, int partition, WorkflowReply reply) implements Effect {
    @Override
    public String runId() {
      return reply.getRunId();
    }
  }

  /** Wake the run up at the timer's due time (stored in the timer store). */
  record ScheduleTimer(RunTimer timer) implements Effect {
    @Override
    public String runId() {
      return timer.runId();
    }
  }

  /** Forget a timer that is no longer needed (its attempt got a reply, its run ended). */
  record CancelTimer(RunTimer timer) implements Effect {
    @Override
    public String runId() {
      return timer.runId();
    }
  }

  /** Publish a run event for history and monitoring. */
  record PublishEvent(RunStatusChanged event) implements Effect {
    @Override
    public String runId() {
      return event.getRunId();
    }
  }
}
