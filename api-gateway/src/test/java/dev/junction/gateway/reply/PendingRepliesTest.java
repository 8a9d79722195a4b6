package dev.junction.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PendingRepliesTest {

  static WorkflowReply reply(String runId, int status) {
    return WorkflowReply.newBuilder()
        .setRunId(runId)
        .setOutcome(WorkflowOutcome.SUCCEEDED)
        .setStatus(status)
        .setHeaders(Map.of())
        .setBody("{}")
        .setCompletedAt(Instant.now())
        .build();
  }

  @Test
  void refusesRegistrationsBeyondCapacity() {
    PendingReplies pending = new PendingReplies(2);

    assertThat(pending.register("a")).isPresent();
    assertThat(pending.register("b")).isPresent();
    assertThat(pending.register("c")).isEmpty();
    assertThat(pending.size()).isEqualTo(2);
  }

  @Test
  void freesASlotWhenAReplyArrivesOrTheWaitEnds() {
    PendingReplies pending = new PendingReplies(1);
    CompletableFuture<WorkflowReply> a = pending.register("a").orElseThrow();

    assertThat(pending.complete("a", reply("a", 201))).isTrue();
    assertThat(a).isCompletedWithValueMatching(r -> r.getStatus() == 201);
    assertThat(pending.register("b")).isPresent();
    pending.remove("b");
    assertThat(pending.size()).isZero();
    assertThat(pending.register("c")).isPresent();
  }

  @Test
  void reportsRepliesNobodyAwaits() {
    PendingReplies pending = new PendingReplies(1);
    pending.register("a");
    pending.remove("a");

    assertThat(pending.complete("a", reply("a", 200))).isFalse();
    assertThat(pending.complete("never", reply("never", 200))).isFalse();
    assertThat(pending.size()).isZero();
  }

  @Test
  void refusesTheSameRunTwice() {
    PendingReplies pending = new PendingReplies(5);
    pending.register("a");

    assertThatThrownBy(() -> pending.register("a")).hasMessageContaining("a");
    assertThat(pending.size()).isEqualTo(1);
  }
}
