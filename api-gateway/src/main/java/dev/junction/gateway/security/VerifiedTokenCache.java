package dev.junction.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * Remembers tokens that passed full validation (signature, algorithm, issuer, audience, times), so
 * a client sending the same token again is not verified again: parsing, the RSA or EC signature
 * check and claim conversion cost more than the rest of the gateway's work on a request.
 *
 * <p>The key is the whole compact token, so a cached entry only ever answers for the exact bytes
 * that were verified. An entry lives until the token expires, and at most {@code maxAge}, so a key
 * removed from the issuer's JWKS stops being honoured within {@code maxAge}. Rejected tokens are
 * never cached: each is refused by the full check, every time. Memory is bounded by {@code
 * maxTokens} (least recently used tokens go first).
 */
public final class VerifiedTokenCache implements ReactiveJwtDecoder {

  private final ReactiveJwtDecoder delegate;
  private final Clock clock;
  private final Cache<String, Jwt> verified;

  public VerifiedTokenCache(
      ReactiveJwtDecoder delegate, Duration maxAge, long maxTokens, Clock clock, Ticker ticker) {
    this.delegate = delegate;
    this.clock = clock;
    this.verified =
        Caffeine.newBuilder()
            .maximumSize(maxTokens)
            .ticker(ticker)
            .expireAfter(new UntilExpiry(maxAge, clock))
            .build();
  }

  public VerifiedTokenCache(ReactiveJwtDecoder delegate, Duration maxAge, long maxTokens) {
    this(delegate, maxAge, maxTokens, Clock.systemUTC(), Ticker.systemTicker());
  }

  @Override
  public Mono<Jwt> decode(String token) {
    Jwt known = verified.getIfPresent(token);
    if (known != null && stillValid(known)) {
      return Mono.just(known);
    }
    return delegate.decode(token).doOnNext(jwt -> verified.put(token, jwt));
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
