package dev.junction.gateway.subscription;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscriptions in memory, by id and by key hash. Every change carries its position in the log
 * (the record's offset): a change older than what the index holds for the id is ignored, so a write
 * applied early (by the instance that made it) is never undone when the log catches up.
 */
public final class SubscriptionIndex {

  private record Entry(Subscription subscription, long position) {}

  private final Map<String, Entry> byId = new ConcurrentHashMap<>();
  private final Map<String, String> idByHash = new ConcurrentHashMap<>();

  /**
   * Applies a change: a subscription, or {@code null} for a removal.
   *
   * @param position the change's position in the log
   */
  public synchronized void apply(String id, Subscription subscription, long position) {
    Entry existing = byId.get(id);
    if (existing != null && existing.position() >= position) {
      return;
    }
    if (existing != null && existing.subscription() != null) {
      idByHash.remove(existing.subscription().keyHash(), id);
    }
    // a removal is remembered too (as an empty entry), so that the older put cannot return
    byId.put(id, new Entry(subscription, position));
    if (subscription != null) {
      idByHash.put(subscription.keyHash(), id);
    }
  }

  public Optional<Subscription> byId(String id) {
    Entry entry = byId.get(id);
    return entry == null ? Optional.empty() : Optional.ofNullable(entry.subscription());
  }

  public Optional<Subscription> byKeyHash(String keyHash) {
    String id = idByHash.get(keyHash);
    return id == null ? Optional.empty() : byId(id);
  }

  public Collection<Subscription> all() {
    return byId.values().stream()
        .map(Entry::subscription)
        .filter(Objects::nonNull)
        .sorted(Comparator.comparing(Subscription::createdAt).thenComparing(Subscription::id))
        .toList();
  }
}
