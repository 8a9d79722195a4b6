package dev.junction.gateway.policy.cache;

import dev.junction.gateway.policy.StoredResponse;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** Cached responses by key: in this instance's memory, or shared in Redis. */
public interface ResponseCacheStore {

  /** The response under {@code key}, empty when there is none (or it expired). */
  Mono<StoredResponse> get(String key);

  Mono<Void> put(String key, StoredResponse response, Duration ttl);
}
