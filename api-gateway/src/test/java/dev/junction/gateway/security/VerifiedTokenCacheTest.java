package dev.junction.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.gateway.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import reactor.core.publisher.Mono;

class VerifiedTokenCacheTest {

  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  private final AtomicInteger verifications = new AtomicInteger();
  private final AtomicLong nanos = new AtomicLong();

  private final TestClock clock = new TestClock(NOW);

  /** Accepts tokens named "good-*" (expiring an hour after NOW), refuses every other one. */
  private final Function<String, Mono<Jwt>> verifier =
      token -> {
        verifications.incrementAndGet();
        if (!token.startsWith("good-")) {
          return Mono.error(new BadJwtException("signature does not match"));
        }
        return Mono.just(
            Jwt.withTokenValue(token)
                .header("alg", "RS256")
                .subject(token)
                .issuedAt(NOW)
                .expiresAt(NOW.plus(Duration.ofHours(1)))
                .build());
      };

  private final VerifiedTokenCache cache =
      new VerifiedTokenCache(Duration.ofMinutes(5), 100, clock, nanos::get);

  private void advance(Duration by) {
    clock.advance(by);
    nanos.addAndGet(by.toNanos());
  }

  @Test
  void aVerifiedTokenIsNotVerifiedAgain() {
    Jwt first = cache.decode("good-a", () -> verifier.apply("good-a")).block();
    Jwt second = cache.decode("good-a", () -> verifier.apply("good-a")).block();

    assertThat(second).isSameAs(first);
    assertThat(verifications).hasValue(1);
  }

  @Test
  void eachTokenIsVerifiedOnItsOwn() {
    cache.decode("good-a", () -> verifier.apply("good-a")).block();
    Jwt other = cache.decode("good-b", () -> verifier.apply("good-b")).block();

    assertThat(other.getSubject()).isEqualTo("good-b");
    assertThat(verifications).hasValue(2);
  }

  @Test
  void aRefusedTokenIsRefusedEveryTime() {
    assertThatThrownBy(() -> cache.decode("forged", () -> verifier.apply("forged")).block())
        .isInstanceOf(BadJwtException.class);
    assertThatThrownBy(() -> cache.decode("forged", () -> verifier.apply("forged")).block())
        .isInstanceOf(BadJwtException.class);

    assertThat(verifications).hasValue(2);
  }

  @Test
  void aTokenIsVerifiedAgainAfterMaxAge() {
    cache.decode("good-a", () -> verifier.apply("good-a")).block();
    advance(Duration.ofMinutes(6));
    cache.decode("good-a", () -> verifier.apply("good-a")).block();

    assertThat(verifications).hasValue(2);
  }

  @Test
  void anExpiredTokenIsNeverAnsweredFromTheCache() {
    VerifiedTokenCache longLived = new VerifiedTokenCache(Duration.ofDays(1), 100, clock, () -> 0L);
    longLived.decode("good-a", () -> verifier.apply("good-a")).block();
    clock.set(NOW.plus(Duration.ofHours(2))); // past exp, while the cache's own ticker stands still

    longLived.decode("good-a", () -> verifier.apply("good-a")).block();

    assertThat(verifications).hasValue(2);
  }
}
