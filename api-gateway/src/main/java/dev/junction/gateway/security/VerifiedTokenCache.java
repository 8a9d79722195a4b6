package dev.junction.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.springframework.security.oauth2.jwt.Jwt;
import reactor.core.publisher.Mono;

/**
 * Remembers tokens that passed their issuer's checks (signature, algorithm, {@code typ}, times), so
 * a client sending the same token again is not verified again: parsing, the RSA or EC signature
 * check and claim conversion cost more than the rest of the gateway's work on a request. What
 * depends on the API called (trusted issuers, audiences, required claims) is not remembered: the
 * caller checks it on every request, also for an answer from here, so a token accepted by one API
 * is never taken for another that does not trust its issuer or audience.
 *
 * <p>The key is the whole compact token, so a cached entry only ever answers for the exact bytes
 * that were verified. An entry lives until the token expires, and at most {@code maxAge}, so a key
 * removed from the issuer's JWKS stops being honoured within {@code maxAge}. Rejected tokens are
 * never cached: each is refused by the full check, every time. Memory is bounded by {@code
 * maxTokens} (least recently used tokens go first).
 */
public final class VerifiedTokenCache {

  private final Clock clock;
  private final Cache<String, Jwt> verified;

  /**
   * @param maxAge longest a token is remembered
   * @param maxTokens most tokens remembered; {@code 0} remembers none
   * @param clock the time tokens' expiry is compared with
   * @param ticker the cache's own time source
   */
  public VerifiedTokenCache(Duration maxAge, long maxTokens, Clock clock, Ticker ticker) {
    this.clock = clock;
    this.verified =
        maxTokens == 0
            ? null
            : Caffeine.newBuilder()
                .maximumSize(maxTokens)
                .ticker(ticker)
                .expireAfter(new UntilExpiry(maxAge, clock))
                .build();
  }

  public VerifiedTokenCache(Duration maxAge, long maxTokens) {
    this(maxAge, maxTokens, Clock.systemUTC(), Ticker.systemTicker());
  }

  /**
   * The remembered token, else what {@code verify} answers (remembered when it succeeds).
   *
   * @param token the compact token, the key
   * @param verify the full check of the token, run only when it is not remembered
   */
  public Mono<Jwt> decode(String token, Supplier<Mono<Jwt>> verify) {
    Jwt known = remembered(token);
    if (known != null) {
      return Mono.just(known);
    }
    Mono<Jwt> checked = Mono.defer(verify);
    return verified == null ? checked : checked.doOnNext(jwt -> verified.put(token, jwt));
  }

  /** The remembered token, if it is still valid; {@code null} otherwise. */
  public Jwt remembered(String token) {
    if (verified == null) {
      return null;
    }
    Jwt known = verified.getIfPresent(token);
    return known != null && stillValid(known) ? known : null;
  }

  /** Expiry is also checked on every hit: the cache's clock and the token's may drift apart. */
  private boolean stillValid(Jwt jwt) {
    Instant expiresAt = jwt.getExpiresAt();
    return expiresAt == null || clock.instant().isBefore(expiresAt);
  }

  /** Each entry expires with its token, and never later than {@code maxAge} after it was added. */
  private record UntilExpiry(Duration maxAge, Clock clock) implements Expiry<String, Jwt> {

    @Override
    public long expireAfterCreate(String token, Jwt jwt, long currentTime) {
      Duration age = maxAge;
      if (jwt.getExpiresAt() != null) {
        Duration left = Duration.between(clock.instant(), jwt.getExpiresAt());
        age = left.compareTo(age) < 0 ? left : age;
      }
      return Math.max(0, age.toNanos());
    }

    @Override
    public long expireAfterUpdate(String token, Jwt jwt, long currentTime, long currentDuration) {
      return expireAfterCreate(token, jwt, currentTime);
    }

    @Override
    public long expireAfterRead(String token, Jwt jwt, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
