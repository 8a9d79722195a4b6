package dev.junction.orchestrator.run;

import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.WorkflowRequested;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the request of a run started by a trigger (a schedule, a Kafka record) rather than an API
 * call. The run id is derived from what fired (the schedule and its time, the record's topic,
 * partition and offset), so a trigger that fires twice for the same cause starts one run: the
 * second request meets the first run's state and is dropped.
 */
public final class Triggered {

  private Triggered() {}

  /**
   * @param cause what fired, unique per firing, e.g. {@code kafka|orders|3|1234}
   * @param trigger the run's trigger as the history shows it, e.g. {@code kafka:orders}
   * @param body the request body (JSON text), or {@code null}
   */
  public static WorkflowRequested request(
      WorkflowDefinition definition, String cause, String trigger, String body, Instant at) {
    String runId =
        UUID.nameUUIDFromBytes((definition.name() + "|" + cause).getBytes(StandardCharsets.UTF_8))
            .toString();
    return WorkflowRequested.newBuilder()
        .setRunId(runId)
        .setWorkflow(definition.name())
        .setApi("")
        .setApiVersion("")
        .setOperation("")
        .setMethod("POST")
        .setPath("")
        .setPathParams(Map.of())
        .setQuery(Map.of())
        .setHeaders(Map.of())
        .setBody(body)
        .setTrigger(trigger)
        .setReplyTopic("")
        .setReplyPartition(0)
        .setRequestedAt(at)
        .setDeadline(at)
        .build();
  }
}
