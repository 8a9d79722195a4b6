package dev.junction.gateway.reply;

import dev.junction.wire.WorkflowReply;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests awaiting their workflow's reply, by run id. Bounded: when full, {@link #register}
 * refuses, and the gateway sheds the request instead of growing without limit while the
 * orchestrator is slow.
 */
public final class PendingReplies {

  private final int capacity;
  private final ConcurrentHashMap<String, CompletableFuture<WorkflowReply>> pending =
      new ConcurrentHashMap<>();
  // Counted apart from the map so that the bound holds under concurrent registrations.
  private final AtomicInteger size = new AtomicInteger();

  public PendingReplies(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Reserves a slot for the reply of a run.
   *
   * @return the future the reply completes, or empty when the map is full
   * @throws IllegalStateException if the run id is already awaited
   */
  public Optional<CompletableFuture<WorkflowReply>> register(String runId) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return Optional.empty();
    }
    CompletableFuture<WorkflowReply> future = new CompletableFuture<>();
    if (pending.putIfAbsent(runId, future) != null) {
      size.decrementAndGet();
      throw new IllegalStateException("Run " + runId + " is already awaiting a reply");
    }
    return Optional.of(future);
  }

  /**
   * Hands a reply to the request awaiting it.
   *
   * @return false when no request awaits this run (it timed out, or another instance asked)
   */
  public boolean complete(String runId, WorkflowReply reply) {
    CompletableFuture<WorkflowReply> future = remove(runId);
    if (future == null) {
      return false;
    }
    future.complete(reply);
    return true;
  }

  /** Stops awaiting a run (deadline passed, client gone); a later reply is then unmatched. */
  public CompletableFuture<WorkflowReply> remove(String runId) {
    CompletableFuture<WorkflowReply> future = pending.remove(runId);
    if (future != null) {
      size.decrementAndGet();
    }
    return future;
  }

  /** Requests awaiting a reply now. */
  public int size() {
    return size.get();
  }

  public int capacity() {
    return capacity;
  }
}
