package dev.junction.gateway.policy.idempotency;

import java.time.Duration;
import reactor.core.publisher.Mono;

/** Records by idempotency key: in this instance's memory, or shared in Redis. */
public interface IdempotencyStore {

  /**
   * Records an in-progress request under {@code key} unless the key holds a record already.
   *
   * @return empty when this call claimed the key; else the record found
   */
  Mono<IdempotencyRecord> claim(String key, String fingerprint, Duration ttl);

  /** The record under {@code key}, empty when there is none. */
  Mono<IdempotencyRecord> get(String key);

  /** Replaces the in-progress record by the completed one. */
  Mono<Void> complete(String key, IdempotencyRecord record, Duration ttl);

  /** Forgets the key, so that a repeat runs again. */
  Mono<Void> release(String key);
}
