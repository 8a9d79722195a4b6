package dev.junction.orchestrator.kafka;

import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.kafka.CloudEvents;
import dev.junction.contract.tracing.KafkaTracing;
import dev.junction.orchestrator.run.Effect;
import dev.junction.orchestrator.run.RunCommands;
import dev.junction.orchestrator.run.RunHandler;
import dev.junction.orchestrator.run.RunTimer;
import dev.junction.orchestrator.run.Transition;
import dev.junction.orchestrator.run.WorkflowEngine;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunControl;
import dev.junction.wire.RunState;
import dev.junction.wire.RunSummary;
import dev.junction.wire.WorkflowRequested;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Applies {@link RunHandler} transitions to the run store and forwards their effects as records;
 * fires due timers; resumes unfinished runs when it takes over a partition; drops ended runs past
 * their retention.
 *
 * <p>Effects are forwarded before the new state is stored, and with at-least-once processing a
 * crash can still lose a produced record whose state change was stored (they go to different
 * partitions). So when a task starts (after a crash, a restart or a move from another instance), it
 * first sends again what every unfinished run waits for: the command of the attempt in flight and
 * its timers ({@link RunHandler#resume}). Connectors drop the repeat by idempotency key; a repeated
 * reply is stale for the engine.
 */
final class RunProcessor implements Processor<String, SpecificRecord, String, Object> {

  private static final Logger log = LoggerFactory.getLogger(RunProcessor.class);
  private static final String MDC_RUN_ID = "runId";

  /** Timers fired per punctuation at most, so a backlog cannot stall the task. */
  private static final int MAX_TIMERS_PER_TICK = 2_000;

  /** Ended runs removed per punctuation at most. */
  private static final int MAX_EXPIRED_PER_TICK = 10_000;

  private final RunHandler handler;
  private final CloudEvents cloudEvents;
  private final Clock clock;
  private final RunTopology.Settings settings;
  private final BiConsumer<RunState, RunState> onStored;
  private final KafkaTracing tracing;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, RunState> runs;
  private KeyValueStore<String, String> timers;
  private KeyValueStore<String, String> active;
  private KeyValueStore<String, RunSummary> index;
  private boolean resumed;
  private Instant nextRetentionCheck = Instant.MIN;

  RunProcessor(
      RunHandler handler,
      CloudEvents cloudEvents,
      Clock clock,
      RunTopology.Settings settings,
      BiConsumer<RunState, RunState> onStored,
      KafkaTracing tracing) {
    this.handler = handler;
    this.cloudEvents = cloudEvents;
    this.clock = clock;
    this.settings = settings;
    this.onStored = onStored;
    this.tracing = tracing;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.runs = context.getStateStore(RunTopology.STORE);
    this.timers = context.getStateStore(RunTopology.TIMERS_STORE);
    this.active = context.getStateStore(RunTopology.ACTIVE_STORE);
    this.index = context.getStateStore(RunTopology.INDEX_STORE);
    context.schedule(settings.timerInterval(), PunctuationType.WALL_CLOCK_TIME, this::tick);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (record.value() == null) {
      log.warn("Ignoring a record without value (key {})", record.key());
      return;
    }
    resumeOnce();
    String runId = runId(record.value());
    if (!runId.equals(record.key())) {
      // the key decides the partition and so which task owns the run; a mismatch is a producer bug
      log.warn(
          "Record for run {} has key {}; processing it by the run id in its value",
          runId,
          record.key());
    }
    // the transition's span: a child of the span that sent the record (the gateway's send, a
    // connector's invocation), and the parent of every record the transition sends
    Span span =
        tracing
            .receive(spanName(record.value()), record.headers())
            .tag(KafkaTracing.RUN_ID_TAG, runId);
    MDC.put(MDC_RUN_ID, runId);
    try (Tracer.SpanInScope scope = tracing.inScope(span)) {
      Instant now = clock.instant();
      RunState before = runs.get(runId);
      Transition transition =
          switch (record.value()) {
            case WorkflowRequested request ->
                handler.onRequested(before, request, retried(request), now);
            case ConnectorReply reply -> handler.onReply(before, reply, now);
            case RunControl control -> handler.onControl(before, control, now);
            default ->
                throw new IllegalStateException(
                    "unexpected record type " + record.value().getClass().getName());
          };
      apply(runId, before, transition, now, span);
    } catch (RuntimeException e) {
      span.error(e);
      throw e;
    } finally {
      span.end();
      MDC.remove(MDC_RUN_ID);
    }
  }

  /** Names the span of a transition after what started it. */
  private static String spanName(SpecificRecord value) {
    return switch (value) {
      case WorkflowRequested request -> "start run " + request.getWorkflow();
      case ConnectorReply reply -> "step reply " + reply.getStepId();
      case RunControl control -> "run control";
      default -> "run record";
    };
  }

  private void tick(long timestamp) {
    resumeOnce();
    Instant now = clock.instant();
    fireDueTimers(now);
    if (context.taskId().partition() == 0) {
      // one task fires the schedules: whichever instance owns partition 0
      for (WorkflowRequested request : handler.dueSchedules(now)) {
        Headers headers =
            cloudEvents.headers(
                request.getRunId(),
                CloudEventHeaders.Types.WORKFLOW_REQUESTED,
                request.getRunId(),
                now);
        context.forward(
            new Record<>(request.getRunId(), request, now.toEpochMilli(), headers),
            RunTopology.TRIGGERED_SINK);
        log.info(
            "Schedule {} started run {} of {}",
            request.getTrigger(),
            request.getRunId(),
            request.getWorkflow());
      }
    }
    if (!now.isBefore(nextRetentionCheck)) {
      nextRetentionCheck = now.plus(settings.retention().dividedBy(100));
      expire(now);
    }
  }

  /** Sends again what each unfinished run of this task waits for; once per task start. */
  private void resumeOnce() {
    if (resumed) {
      return;
    }
    resumed = true;
    List<String> ids = new ArrayList<>();
    try (KeyValueIterator<String, String> it = active.all()) {
      it.forEachRemaining(entry -> ids.add(entry.key));
    }
    Instant now = clock.instant();
    int unfinished = 0;
    for (String runId : ids) {
      RunState state = runs.get(runId);
      if (state == null || WorkflowEngine.isEnded(state.getStatus())) {
        active.delete(runId);
        continue;
      }
      unfinished++;
      handler.resume(state).forEach(effect -> forward(effect, now, null));
    }
    if (unfinished > 0) {
      log.info(
          "Resumed {} unfinished runs of task {}: sent again the command or timers each waits for",
          unfinished,
          context.taskId());
    }
  }

  private void fireDueTimers(Instant now) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = timers.range("0", RunTimer.lastKeyDueBy(now))) {
      while (it.hasNext() && due.size() < MAX_TIMERS_PER_TICK) {
        due.add(it.next());
      }
    }
    for (KeyValue<String, String> entry : due) {
      timers.delete(entry.key);
      RunTimer timer;
      try {
        timer = RunTimer.parse(entry.key);
      } catch (IllegalArgumentException e) {
        log.error("Dropping an unreadable timer {}", entry.key, e);
        continue;
      }
      MDC.put(MDC_RUN_ID, timer.runId());
      try {
        RunState before = runs.get(timer.runId());
        apply(timer.runId(), before, handler.onTimer(before, timer, now), now, null);
      } finally {
        MDC.remove(MDC_RUN_ID);
      }
    }
  }

  /** Removes ended runs that started before the retention period. */
  private void expire(Instant now) {
    Instant cutoff = now.minus(settings.retention());
    List<KeyValue<String, RunSummary>> old = new ArrayList<>();
    try (KeyValueIterator<String, RunSummary> it = index.range("0", RunIndexKeys.upTo(cutoff))) {
      while (it.hasNext() && old.size() < MAX_EXPIRED_PER_TICK) {
        old.add(it.next());
      }
    }
    int removed = 0;
    for (KeyValue<String, RunSummary> entry : old) {
      if (WorkflowEngine.isEnded(entry.value.getStatus())) {
        runs.delete(entry.value.getRunId());
        index.delete(entry.key);
        removed++;
      }
    }
    if (removed > 0) {
      log.info(
          "Removed {} ended runs older than {} from the history", removed, settings.retention());
    }
  }

  /**
   * @param span the span of the transition, whose context the records it sends carry; {@code null}
   *     for a timer or a resume, which no traced record started
   */
  private void apply(String runId, RunState before, Transition transition, Instant now, Span span) {
    if (!transition.changed()) {
      return;
    }
    RunState after = transition.state();
    // what the next hop waits for (a command, the reply) leaves first; run events can follow
    transition.effects().stream()
        .filter(effect -> !(effect instanceof Effect.PublishEvent))
        .forEach(effect -> forward(effect, now, span));
    transition.effects().stream()
        .filter(effect -> effect instanceof Effect.PublishEvent)
        .forEach(effect -> forward(effect, now, span));
    boolean ended = WorkflowEngine.isEnded(after.getStatus());
    if (before == null && !ended) {
      // The marker before the run: each write is a record on its own changelog, and a crash can
      // fall between them. A marker without its run is dropped at resume (and the replayed request
      // starts the run again); a run without its marker would never be resumed, and the timer it
      // waits for (a delay, a retry's backoff) would be lost at the next restart.
      active.put(runId, "");
    }
    runs.put(runId, after);
    if (ended && before != null) {
      active.delete(runId);
    }
    if (before == null || before.getStatus() != after.getStatus()) {
      index.put(RunIndexKeys.of(after), RunIndexKeys.summary(after));
    }
    log.debug("Run {} is {} at step {}", runId, after.getStatus(), after.getCurrentStep());
    onStored.accept(before, after);
  }

  /** The earlier run a resubmission goes on from (same partition, so in this task's store). */
  private RunState retried(WorkflowRequested request) {
    String trigger = request.getTrigger();
    if (trigger == null || !trigger.startsWith(RunCommands.RETRY_FROM)) {
      return null;
    }
    return runs.get(trigger.substring(RunCommands.RETRY_FROM.length()));
  }

  private static String runId(SpecificRecord value) {
    return switch (value) {
      case WorkflowRequested request -> request.getRunId();
      case ConnectorReply reply -> reply.getRunId();
      case RunControl control -> control.getRunId();
      default ->
          throw new IllegalStateException("unexpected record type " + value.getClass().getName());
    };
  }

  private void forward(Effect effect, Instant now, Span span) {
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
        traced(headers, span);
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
        traced(headers, span);
        context.forward(
            new Record<>(
                reply.getRunId(), new Outbound<>(topic, partition, reply), timestamp, headers),
            RunTopology.REPLIES_SINK);
      }
      case Effect.ScheduleTimer(RunTimer timer) -> timers.put(timer.key(), "");
      case Effect.CancelTimer(RunTimer timer) -> timers.delete(timer.key());
      case Effect.PublishEvent(var event) -> {
        Headers headers =
            cloudEvents.headers(
                event.getRunId() + ":" + event.getSequence(),
                CloudEventHeaders.Types.RUN_STATUS_CHANGED,
                event.getRunId(),
                now);
        traced(headers, span);
        context.forward(
            new Record<>(event.getRunId(), event, timestamp, headers), RunTopology.EVENTS_SINK);
      }
    }
  }

  private void traced(Headers headers, Span span) {
    if (span != null) {
      tracing.inject(span, headers);
    }
  }
}
