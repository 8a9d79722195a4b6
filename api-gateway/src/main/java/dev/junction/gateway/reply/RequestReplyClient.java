package dev.junction.gateway.reply;

import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.TraceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Sends a workflow request and awaits its reply until the request's deadline, without blocking a
 * thread: the reply listener completes the pending future.
 */
public final class RequestReplyClient {

  private static final Logger log = LoggerFactory.getLogger(RequestReplyClient.class);

  private final WorkflowRequestSender sender;
  private final PendingReplies pending;
  private final Clock clock;
  private final Counter shed;

  public RequestReplyClient(
      WorkflowRequestSender sender, PendingReplies pending, Clock clock, MeterRegistry meters) {
    this.sender = sender;
    this.pending = pending;
    this.clock = clock;
    this.shed =
        Counter.builder("junction.gateway.shed")
            .description("Requests refused with 503 because too many replies were pending")
            .register(meters);
  }

  /**
   * Sends {@code request} and awaits its reply until {@code request.deadline}.
   *
   * @param respondAsync send, then answer without awaiting the reply
   * @param trace the trace context of the HTTP call, or {@code null}
   * @return the outcome; fails with the sender's exception when the request could not be sent
   */
  public Mono<ReplyResult> call(
      WorkflowRequested request, boolean respondAsync, TraceContext trace) {
    String runId = request.getRunId();
    if (respondAsync) {
      return Mono.fromFuture(() -> sender.send(request, trace)).thenReturn(new ReplyResult.Async());
    }
    return Mono.defer(
        () -> {
          // Registered before sending: the reply can arrive before the send is acknowledged.
          Optional<CompletableFuture<WorkflowReply>> slot = pending.register(runId);
          if (slot.isEmpty()) {
            shed.increment();
            log.warn("run {}: shed, {} replies already pending", runId, pending.capacity());
            return Mono.just(new ReplyResult.Shed());
          }
          return Mono.fromFuture(() -> sender.send(request, trace))
              // Only the wait for the reply is bounded by the deadline: answering 202 before the
              // broker has the command would point the client at a run that may never exist.
              .then(Mono.defer(() -> awaitReply(slot.get(), request.getDeadline())))
              .doFinally(signal -> pending.remove(runId));
        });
  }

  private Mono<ReplyResult> awaitReply(CompletableFuture<WorkflowReply> reply, Instant deadline) {
    Duration remaining = Duration.between(clock.instant(), deadline);
    if (remaining.isNegative() || remaining.isZero()) {
      return reply.isDone()
          ? Mono.just(new ReplyResult.Replied(reply.join()))
          : Mono.just(new ReplyResult.TimedOut());
    }
    return Mono.fromFuture(reply, true)
        .<ReplyResult>map(ReplyResult.Replied::new)
        .timeout(remaining, Mono.fromSupplier(ReplyResult.TimedOut::new));
  }
}
