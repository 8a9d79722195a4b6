package dev.junction.orchestrator.kafka;

import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.kafka.CloudEvents;
import dev.junction.orchestrator.run.Effect;
import dev.junction.orchestrator.run.RunHandler;
import dev.junction.orchestrator.run.Transition;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunState;
import dev.junction.wire.WorkflowRequested;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Applies {@link RunHandler} transitions to the run store and forwards their effects as records.
 *
 * <p>Effects are forwarded before the new state is stored: with at-least-once processing a crash in
 * between replays the message against the old state and sends the effects again (connectors drop
 * the repeat by idempotency key), whereas the reverse order could store a state whose effects were
 * never sent.
 */
final class RunProcessor implements Processor<String, SpecificRecord, String, Object> {

  private static final Logger log = LoggerFactory.getLogger(RunProcessor.class);
  private static final String MDC_RUN_ID = "runId";

  private final RunHandler handler;
  private final CloudEvents cloudEvents;
  private final Clock clock;
  private final BiConsumer<RunState, RunState> onStored;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, RunState> store;

  RunProcessor(
      RunHandler handler,
      CloudEvents cloudEvents,
      Clock clock,
      BiConsumer<RunState, RunState> onStored) {
    this.handler = handler;
    this.cloudEvents = cloudEvents;
    this.clock = clock;
    this.onStored = onStored;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(RunTopology.STORE);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (record.value() == null) {
      log.warn("Ignoring a record without value (key {})", record.key());
      return;
    }
    String runId = runId(record.value());
    if (!runId.equals(record.key())) {
      // the key decides the partition and so which task owns the run; a mismatch is a producer bug
      log.warn(
          "Record for run {} has key {}; processing it by the run id in its value",
          runId,
          record.key());
    }
    MDC.put(MDC_RUN_ID, runId);
    try {
      Instant now = clock.instant();
      RunState before = store.get(runId);
      Transition transition =
          switch (record.value()) {
            case WorkflowRequested request -> handler.onRequested(before, request, now);
            case ConnectorReply reply -> handler.onReply(before, reply, now);
            default ->
                throw new IllegalStateException(
                    "unexpected record type " + record.value().getClass().getName());
          };
      if (!transition.changed()) {
        return;
      }
      // what the next hop waits for (a command, the reply) leaves first; run events can follow
      transition.effects().stream()
          .filter(effect -> !(effect instanceof Effect.PublishEvent))
          .forEach(effect -> forward(effect, now));
      transition.effects().stream()
          .filter(effect -> effect instanceof Effect.PublishEvent)
          .forEach(effect -> forward(effect, now));
      store.put(runId, transition.state());
      log.debug(
          "Run {} is {} at step {}",
          runId,
          transition.state().getStatus(),
          transition.state().getCurrentStep());
      onStored.accept(before, transition.state());
    } finally {
      MDC.remove(MDC_RUN_ID);
    }
  }

  private static String runId(SpecificRecord value) {
    return switch (value) {
      case WorkflowRequested request -> request.getRunId();
      case ConnectorReply reply -> reply.getRunId();
      default ->
          throw new IllegalStateException("unexpected record type " + value.getClass().getName());
    };
  }

  private void forward(Effect effect, Instant now) {
    long timestamp = now.toEpochMilli();
    switch (effect) {
      case Effect.SendCommand(String topic, InvokeConnector command) -> {
        // the idempotency key as message id: a re-sent command is recognisably the same message
        Headers headers =
            cloudEvents.headers(
                command.getIdempotencyKey(),
                CloudEventHeaders.Types.INVOKE_CONNECTOR,
                command.getRunId(),
                now);
        CloudEvents.add(headers, CloudEventHeaders.STEP_ID, command.getStepId());
        CloudEvents.add(headers, CloudEventHeaders.ATTEMPT, Integer.toString(command.getAttempt()));
        CloudEvents.add(headers, CloudEventHeaders.REPLY_TOPIC, command.getReplyTopic());
        context.forward(
            new Record<>(
                command.getRunId(), new Outbound<>(topic, null, command), timestamp, headers),
            RunTopology.COMMANDS_SINK);
      }
      case Effect.SendReply(String topic, int partition, var reply) -> {
        Headers headers =
            cloudEvents.headers(
                reply.getRunId() + ":reply",
                CloudEventHeaders.Types.WORKFLOW_REPLY,
                reply.getRunId(),
                now);
        context.forward(
            new Record<>(
                reply.getRunId(), new Outbound<>(topic, partition, reply), timestamp, headers),
            RunTopology.REPLIES_SINK);
      }
      case Effect.PublishEvent(var event) -> {
        Headers headers =
            cloudEvents.headers(
                UUID.randomUUID().toString(),
                CloudEventHeaders.Types.RUN_STATUS_CHANGED,
                event.getRunId(),
                now);
        context.forward(
            new Record<>(event.getRunId(), event, timestamp, headers), RunTopology.EVENTS_SINK);
      }
    }
  }
}
