package dev.junction.gateway.policy.jwt;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One issuer's signing keys, fetched from where the configuration says (never from a URL a token
 * names) and kept for {@code refreshInterval}. A token whose key id is not among them makes the
 * keys be fetched again at once, since the issuer may have rotated its key, but at most once per
 * {@code minRefetchInterval}: a stream of tokens with made-up key ids cannot turn the gateway into
 * a flood of requests to the issuer. Concurrent requests share one fetch. When a refresh fails, the
 * keys fetched last keep serving.
 */
public final class JwksCache {

  private static final Logger log = LoggerFactory.getLogger(JwksCache.class);

  /** How often a fetch is retried while no keys were ever obtained. */
  private static final Duration RETRY_WITHOUT_KEYS = Duration.ofSeconds(1);

  private record Snapshot(JWKSet keys, Instant fetchedAt) {}

  private final String issuer;
  private final Supplier<Mono<JWKSet>> fetch;
  private final Duration refreshInterval;
  private final Duration minRefetchInterval;
  private final Clock clock;
  private volatile Snapshot current;
  private Instant lastAttempt = Instant.MIN;
  private volatile Instant lastUnknownKeyFetch = Instant.MIN;
  private Mono<JWKSet> inFlight;

  /**
   * @param issuer the issuer's name, for messages
   * @param fetch reads the issuer's keys once (each subscription a new read)
   * @param refreshInterval how long keys are used before they are fetched again
   * @param minRefetchInterval least time between two fetches for an unknown key id
   * @param clock time source
   */
  public JwksCache(
      String issuer,
      Supplier<Mono<JWKSet>> fetch,
      Duration refreshInterval,
      Duration minRefetchInterval,
      Clock clock) {
    this.issuer = issuer;
    this.fetch = fetch;
    this.refreshInterval = refreshInterval;
    this.minRefetchInterval = minRefetchInterval;
    this.clock = clock;
  }

  /**
   * The keys that match, fetching them first when none were fetched yet, they are older than {@code
   * refreshInterval}, or none matches (rate-limited). Empty when no key matches; an error {@link
   * KeysUnavailableException} only when the issuer's keys were never obtained.
   */
  public Mono<List<JWK>> keys(JWKMatcher matcher) {
    JWKSelector selector = new JWKSelector(matcher);
    Snapshot known = current;
    Instant now = clock.instant();
    if (known == null) {
      return firstFetch(now).map(selector::select);
    }
    if (!now.isBefore(known.fetchedAt().plus(refreshInterval))) {
      return refresh(now)
          .onErrorResume(KeysUnavailableException.class, e -> Mono.just(known.keys()))
          .map(selector::select);
    }
    List<JWK> found = selector.select(known.keys());
    if (!found.isEmpty() || now.isBefore(lastUnknownKeyFetch.plus(minRefetchInterval))) {
      return Mono.just(found);
    }
    lastUnknownKeyFetch = now;
    log.debug("issuer {}: no key matches {}, fetching its keys again", issuer, matcher);
    return refresh(now)
        .onErrorResume(KeysUnavailableException.class, e -> Mono.just(known.keys()))
        .map(selector::select);
  }

  /** The fetch under way, or a new one unless the last attempt failed less than a second ago. */
  private synchronized Mono<JWKSet> firstFetch(Instant now) {
    if (inFlight == null && now.isBefore(lastAttempt.plus(RETRY_WITHOUT_KEYS))) {
      return Mono.error(new KeysUnavailableException(issuer, null));
    }
    return refresh(now);
  }

  /** One shared fetch at a time; the keys replace the known ones when it succeeds. */
  private synchronized Mono<JWKSet> refresh(Instant now) {
    if (inFlight != null) {
      return inFlight;
    }
    lastAttempt = now;
    Mono<JWKSet> fetching =
        Mono.defer(fetch)
            .doOnNext(this::replace)
            .onErrorMap(
                e -> !(e instanceof KeysUnavailableException),
                e -> {
                  log.warn("issuer {}: its keys cannot be fetched: {}", issuer, e.toString());
                  return new KeysUnavailableException(issuer, e);
                })
            .doFinally(signal -> clearInFlight())
            .cache();
    inFlight = fetching;
    return fetching;
  }

  private synchronized void clearInFlight() {
    inFlight = null;
  }

  private void replace(JWKSet keys) {
    Snapshot previous = current;
    current = new Snapshot(keys, clock.instant());
    Set<String> ids = keyIds(keys);
    if (previous == null || !ids.equals(keyIds(previous.keys()))) {
      log.info("issuer {}: signing keys {}", issuer, ids);
    }
  }

  private static Set<String> keyIds(JWKSet keys) {
    Set<String> ids = new TreeSet<>();
    for (JWK key : keys.getKeys()) {
      ids.add(key.getKeyID() == null ? "(no kid)" : key.getKeyID());
    }
    return ids;
  }

  /** The issuer's keys could not be fetched and none are known. */
  public static final class KeysUnavailableException extends RuntimeException {
    private final String issuer;

    KeysUnavailableException(String issuer, Throwable cause) {
      super("the signing keys of issuer " + issuer + " cannot be obtained", cause);
      this.issuer = issuer;
    }

    public String issuer() {
      return issuer;
    }
  }
}
