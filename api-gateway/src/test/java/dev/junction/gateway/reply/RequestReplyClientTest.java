package dev.junction.gateway.reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.wire.WorkflowRequested;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

class RequestReplyClientTest {

  private final List<WorkflowRequested> sent = new ArrayList<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final PendingReplies pending = new PendingReplies(1);
  private CompletableFuture<Void> sendResult = CompletableFuture.completedFuture(null);
  private final WorkflowRequestSender sender =
      (request, trace) -> {
        sent.add(request);
        return sendResult;
      };
  private final RequestReplyClient client =
      new RequestReplyClient(sender, pending, Clock.systemUTC(), meters);

  static WorkflowRequested request(String runId, Duration wait) {
    Instant now = Instant.now();
    return WorkflowRequested.newBuilder()
        .setRunId(runId)
        .setWorkflow("create-order")
        .setApi("orders")
        .setApiVersion("v1")
        .setOperation("createOrder")
        .setMethod("POST")
        .setPath("/orders/v1/orders")
        .setReplyTopic("gateway.replies")
        .setReplyPartition(0)
        .setRequestedAt(now)
        .setDeadline(now.plus(wait))
        .build();
  }

  @Test
  void completesWithTheReply() {
    StepVerifier.create(client.call(request("r1", Duration.ofSeconds(5)), false, null))
        .then(() -> pending.complete("r1", PendingRepliesTest.reply("r1", 201)))
        .assertNext(
            result ->
                assertThat(result)
                    .isInstanceOfSatisfying(
                        ReplyResult.Replied.class,
                        replied -> assertThat(replied.reply().getStatus()).isEqualTo(201)))
        .verifyComplete();
    assertThat(sent).hasSize(1);
    assertThat(pending.size()).isZero();
  }

  @Test
  void timesOutAtTheDeadlineAndForgetsTheRun() {
    StepVerifier.create(client.call(request("r2", Duration.ofMillis(50)), false, null))
        .expectNext(new ReplyResult.TimedOut())
        .verifyComplete();
    // the slot is freed in doFinally, which runs on the timer's thread just after the completion
    // the verifier saw
    await().atMost(Duration.ofSeconds(2)).until(() -> pending.size() == 0);
    assertThat(pending.complete("r2", PendingRepliesTest.reply("r2", 201))).isFalse();
  }

  @Test
  void shedsWhenTooManyRepliesArePending() {
    pending.register("other");

    StepVerifier.create(client.call(request("r3", Duration.ofSeconds(5)), false, null))
        .expectNext(new ReplyResult.Shed())
        .verifyComplete();
    assertThat(sent).isEmpty();
    assertThat(meters.counter("junction.gateway.shed").count()).isEqualTo(1);
  }

  @Test
  void respondAsyncSendsWithoutWaiting() {
    pending.register("other");

    StepVerifier.create(client.call(request("r4", Duration.ZERO), true, null))
        .expectNext(new ReplyResult.Async())
        .verifyComplete();
    assertThat(sent).extracting(WorkflowRequested::getRunId).containsExactly("r4");
  }

  @Test
  void failsAndFreesTheSlotWhenTheSendFails() {
    sendResult = CompletableFuture.failedFuture(new IllegalStateException("broker down"));

    StepVerifier.create(client.call(request("r5", Duration.ofSeconds(5)), false, null))
        .expectErrorMessage("broker down")
        .verify();
    assertThat(pending.size()).isZero();
  }
}
