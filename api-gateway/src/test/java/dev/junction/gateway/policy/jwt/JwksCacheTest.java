package dev.junction.gateway.policy.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.junction.gateway.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class JwksCacheTest {

  private static RSAKey first;
  private static RSAKey second;

  private final TestClock clock = new TestClock();
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicReference<Mono<JWKSet>> served = new AtomicReference<>();
  private final JwksCache cache =
      new JwksCache(
          "corp",
          () -> {
            fetches.incrementAndGet();
            return served.get();
          },
          Duration.ofMinutes(5),
          Duration.ofSeconds(30),
          clock);

  @BeforeAll
  static void keys() throws Exception {
    first = new RSAKeyGenerator(2048).keyID("k1").generate();
    second = new RSAKeyGenerator(2048).keyID("k2").generate();
  }

  private void serve(RSAKey... keys) {
    served.set(
        Mono.just(new JWKSet(List.of(keys).stream().map(k -> (JWK) k.toPublicJWK()).toList())));
  }

  private List<String> kids(String kid) {
    return cache.keys(new JWKMatcher.Builder().keyID(kid).build()).block().stream()
        .map(JWK::getKeyID)
        .toList();
  }

  @Test
  void fetchesOnceAndServesFromMemory() {
    serve(first);

    assertThat(kids("k1")).containsExactly("k1");
    assertThat(kids("k1")).containsExactly("k1");
    assertThat(fetches).hasValue(1);
  }

  @Test
  void anUnknownKeyIdFetchesTheKeysAgainOnceAndPicksUpARotatedKey() {
    serve(first);
    kids("k1");
    serve(first, second);

    assertThat(kids("k2")).containsExactly("k2");
    assertThat(fetches).hasValue(2);
  }

  @Test
  void unknownKeyIdsAreRefetchedAtMostOncePerInterval() {
    serve(first);
    kids("k1");

    for (int i = 0; i < 50; i++) {
      assertThat(kids("made-up-" + i)).isEmpty();
    }
    assertThat(fetches).hasValue(2);

    clock.advance(Duration.ofSeconds(31));
    serve(first, second);
    assertThat(kids("k2")).containsExactly("k2");
    assertThat(fetches).hasValue(3);
  }

  @Test
  void keysAreFetchedAgainAfterTheRefreshIntervalAndKeptWhenThatFails() {
    serve(first);
    kids("k1");
    clock.advance(Duration.ofMinutes(6));
    served.set(Mono.error(new IOException("issuer down")));

    assertThat(kids("k1")).containsExactly("k1");
    assertThat(fetches).hasValue(2);
  }

  @Test
  void requestsWaitingForTheKeysShareOneFetch() {
    Sinks.One<JWKSet> answer = Sinks.one();
    served.set(answer.asMono());

    Mono<List<JWK>> a = cache.keys(new JWKMatcher.Builder().keyID("k1").build());
    Mono<List<JWK>> b = cache.keys(new JWKMatcher.Builder().keyID("k1").build());
    AtomicReference<List<JWK>> gotA = new AtomicReference<>();
    AtomicReference<List<JWK>> gotB = new AtomicReference<>();
    a.subscribe(gotA::set);
    b.subscribe(gotB::set);
    answer.tryEmitValue(new JWKSet(first.toPublicJWK()));

    assertThat(gotA.get()).hasSize(1);
    assertThat(gotB.get()).hasSize(1);
    assertThat(fetches).hasValue(1);
  }

  @Test
  void failsWhenTheKeysWereNeverObtainedAndRetriesOnlyAfterASecond() {
    served.set(Mono.error(new IOException("connection refused")));

    assertThatThrownBy(() -> kids("k1")).isInstanceOf(JwksCache.KeysUnavailableException.class);
    assertThatThrownBy(() -> kids("k1")).isInstanceOf(JwksCache.KeysUnavailableException.class);
    assertThat(fetches).hasValue(1);

    clock.advance(Duration.ofSeconds(2));
    serve(first);
    assertThat(kids("k1")).containsExactly("k1");
    assertThat(fetches).hasValue(2);
  }

  @Test
  void keepsOnlyPublicKeysOfAFile() throws Exception {
    JWKSet read =
        JwksSources.parse(
            new JWKSet(
                    List.of(
                        first,
                        new com.nimbusds.jose.jwk.OctetSequenceKey.Builder(new byte[32])
                            .keyID("hmac")
                            .build()))
                .toString(false),
            "test");

    assertThat(read.getKeys()).extracting(JWK::getKeyID).containsExactly("k1");
    assertThat(read.getKeys().getFirst().isPrivate()).isFalse();
  }
}
