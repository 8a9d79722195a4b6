package dev.junction.gateway.reply;

import dev.junction.wire.WorkflowRequested;
import io.micrometer.tracing.TraceContext;
import java.util.concurrent.CompletableFuture;

/** Hands a workflow request to the orchestrator. The Kafka adapter is the production one. */
public interface WorkflowRequestSender {

  /**
   * Sends the request.
   *
   * @param parent the trace context of the HTTP call (its server span), or {@code null} to start a
   *     new trace
   * @return completes when the request is durably accepted (for Kafka: acknowledged by all in-sync
   *     replicas), or fails with the reason it was not
   */
  CompletableFuture<Void> send(WorkflowRequested request, TraceContext parent);
}
