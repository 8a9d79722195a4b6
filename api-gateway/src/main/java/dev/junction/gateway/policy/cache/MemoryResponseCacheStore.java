package dev.junction.gateway.policy.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.junction.gateway.policy.StoredResponse;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** Responses in this instance's memory, at most {@code maxEntries}, each for its own TTL. */
public final class MemoryResponseCacheStore implements ResponseCacheStore {

  private record Entry(StoredResponse response, Duration ttl) {}

  private final Cache<String, Entry> entries;

  public MemoryResponseCacheStore(long maxEntries) {
    this.entries =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            .expireAfter(Expiry.writing((String key, Entry entry) -> entry.ttl()))
            .build();
  }

  @Override
  public Mono<StoredResponse> get(String key) {
    Entry entry = entries.getIfPresent(key);
    return entry == null ? Mono.empty() : Mono.just(entry.response());
  }

  @Override
  public Mono<Void> put(String key, StoredResponse response, Duration ttl) {
    entries.put(key, new Entry(response, ttl));
    return Mono.empty();
  }
}
