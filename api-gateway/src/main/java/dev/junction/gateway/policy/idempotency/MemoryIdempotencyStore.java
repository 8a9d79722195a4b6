package dev.junction.gateway.policy.idempotency;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** Records in this instance's memory (one instance only), each expiring after its own TTL. */
public final class MemoryIdempotencyStore implements IdempotencyStore {

  private record Entry(IdempotencyRecord record, Duration ttl) {}

  private final Cache<String, Entry> records;

  public MemoryIdempotencyStore(long maxKeys) {
    this.records =
        Caffeine.newBuilder()
            .maximumSize(maxKeys)
            .expireAfter(Expiry.writing((String key, Entry entry) -> entry.ttl()))
            .build();
  }

  @Override
  public Mono<IdempotencyRecord> claim(String key, String fingerprint, Duration ttl) {
    Entry existing =
        records.asMap().putIfAbsent(key, new Entry(new IdempotencyRecord(fingerprint, null), ttl));
    return existing == null ? Mono.empty() : Mono.just(existing.record());
  }

  @Override
  public Mono<IdempotencyRecord> get(String key) {
    Entry entry = records.getIfPresent(key);
    return entry == null ? Mono.empty() : Mono.just(entry.record());
  }

  @Override
  public Mono<Void> complete(String key, IdempotencyRecord record, Duration ttl) {
    records.put(key, new Entry(record, ttl));
    return Mono.empty();
  }

  @Override
  public Mono<Void> release(String key) {
    records.invalidate(key);
    return Mono.empty();
  }
}
