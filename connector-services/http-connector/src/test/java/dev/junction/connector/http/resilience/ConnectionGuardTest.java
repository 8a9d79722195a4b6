package dev.junction.connector.http.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.connector.http.call.Exchange;
import dev.junction.connector.support.invoke.CallResult;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {

  private static final Duration BUDGET = Duration.ofSeconds(5);
  private static final CallResult OK = new CallResult.Succeeded("{}");
  private static final CallResult DOWN = new CallResult.RetryableError(null, "503");

  /** A backend of scripted results; records when each attempt came. */
  private static final class Script implements ConnectionGuard.Attempt {
    final List<Exchange> answers;
    final List<Long> calls = new ArrayList<>();

    Script(Exchange... answers) {
      this.answers = List.of(answers);
    }

    @Override
    public synchronized Exchange perform(Duration timeout) {
      calls.add(System.nanoTime());
      return answers.get(Math.min(calls.size() - 1, answers.size() - 1));
    }
  }

  private static ResilienceSettings settings(
      int attempts, Duration backoff, int window, Duration open, int bulkhead) {
    return new ResilienceSettings(
        new ResilienceSettings.Retry(
            attempts, backoff, 2.0, Duration.ofSeconds(1), Duration.ofSeconds(2)),
        new ResilienceSettings.CircuitBreaker(50, window, window, open, 1),
        new ResilienceSettings.Bulkhead(bulkhead, Duration.ZERO));
  }

  private static ConnectionGuard guard(ResilienceSettings settings) {
    return new ConnectionGuard(
        "backend",
        settings,
        RetryRegistry.ofDefaults(),
        CircuitBreakerRegistry.ofDefaults(),
        BulkheadRegistry.ofDefaults());
  }

  private static Exchange answer(CallResult result) {
    return new Exchange(result, null);
  }

  @Test
  void retriesARetryableFailureAfterABackoffAndReturnsTheSuccess() throws Exception {
    Script backend = new Script(answer(DOWN), answer(OK));

    CallResult result =
        guard(settings(3, Duration.ofMillis(50), 10, Duration.ofSeconds(10), 4))
            .call(backend, BUDGET);

    assertThat(result).isEqualTo(OK);
    assertThat(backend.calls).hasSize(2);
    assertThat(backend.calls.get(1) - backend.calls.get(0))
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
  }

  @Test
  void givesUpAfterMaxAttemptsWithTheLastFailure() throws Exception {
    Script backend = new Script(answer(DOWN));

    CallResult result =
        guard(settings(3, Duration.ofMillis(1), 10, Duration.ofSeconds(10), 4))
            .call(backend, BUDGET);

    assertThat(result).isEqualTo(DOWN);
    assertThat(backend.calls).hasSize(3);
  }

  @Test
  void waitsAsLongAsTheBackendsRetryAfterSays() throws Exception {
    Script backend = new Script(new Exchange(DOWN, Duration.ofMillis(300)), answer(OK));

    CallResult result =
        guard(settings(3, Duration.ofMillis(1), 10, Duration.ofSeconds(10), 4))
            .call(backend, BUDGET);

    assertThat(result).isEqualTo(OK);
    assertThat(backend.calls.get(1) - backend.calls.get(0))
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
  }

  @Test
  void aRetryAfterBeyondTheLimitOrTheBudgetIsLeftToTheWorkflow() throws Exception {
    Script tooLong = new Script(new Exchange(DOWN, Duration.ofSeconds(3)), answer(OK));
    Script beyondBudget = new Script(new Exchange(DOWN, Duration.ofSeconds(1)), answer(OK));
    ConnectionGuard guard = guard(settings(3, Duration.ofMillis(1), 10, Duration.ofSeconds(10), 4));

    assertThat(guard.call(tooLong, BUDGET)).isEqualTo(DOWN);
    assertThat(guard.call(beyondBudget, Duration.ofMillis(500))).isEqualTo(DOWN);
    assertThat(tooLong.calls).hasSize(1);
    assertThat(beyondBudget.calls).hasSize(1);
  }

  @Test
  void businessAndFatalResultsAreNeitherRetriedNorCountedAgainstTheBackend() throws Exception {
    ConnectionGuard guard = guard(settings(3, Duration.ofMillis(1), 2, Duration.ofSeconds(10), 4));
    Script refusing = new Script(answer(new CallResult.Failed("{}", "404")));

    for (int i = 0; i < 4; i++) {
      guard.call(refusing, BUDGET);
    }

    assertThat(refusing.calls).hasSize(4);
    assertThat(guard.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void theBreakerOpensFailsFastWithoutCallingAndClosesWhenTheBackendRecovers() throws Exception {
    ConnectionGuard guard = guard(settings(1, Duration.ofMillis(1), 4, Duration.ofMillis(200), 4));
    Script down = new Script(answer(DOWN));
    for (int i = 0; i < 4; i++) {
      guard.call(down, BUDGET);
    }
    assertThat(guard.state()).isEqualTo(CircuitBreaker.State.OPEN);

    long start = System.nanoTime();
    CallResult refused = guard.call(down, BUDGET);
    long took = System.nanoTime() - start;

    assertThat(refused.error()).contains("circuit breaker open, backend not called");
    assertThat(down.calls).hasSize(4);
    assertThat(took).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));

    Script healthy = new Script(answer(OK));
    await().atMost(Duration.ofSeconds(5)).until(() -> guard.call(healthy, BUDGET).equals(OK));
    assertThat(guard.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void theFailureThatOpensTheBreakerIsTheAnswerNotARefusedRetry() throws Exception {
    ConnectionGuard guard = guard(settings(3, Duration.ofMillis(1), 2, Duration.ofSeconds(10), 4));
    Script down = new Script(answer(DOWN));

    CallResult result = guard.call(down, BUDGET);

    assertThat(result).isEqualTo(DOWN);
    assertThat(down.calls).hasSize(2);
    assertThat(guard.state()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void aFullBulkheadAnswersAtOnceWithoutCalling() throws Exception {
    ConnectionGuard guard = guard(settings(1, Duration.ofMillis(1), 10, Duration.ofSeconds(10), 1));
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<CallResult> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return guard.call(
                    timeout -> {
                      inside.countDown();
                      release.await(5, TimeUnit.SECONDS);
                      return answer(OK);
                    },
                    BUDGET);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
    Script second = new Script(answer(OK));

    CallResult refused = guard.call(second, BUDGET);
    release.countDown();

    assertThat(refused.error()).contains("bulkhead full");
    assertThat(second.calls).isEmpty();
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(OK);
  }
}
