package dev.junction.gateway.subscription;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where subscriptions live. Reads are answered from memory; a write completes once it is durable
 * and visible to this instance's reads (other instances see it shortly after).
 */
public interface SubscriptionStore {

  Optional<Subscription> byId(String id);

  /** The subscription whose key has this hash. */
  Optional<Subscription> byKeyHash(String keyHash);

  Collection<Subscription> all();

  CompletableFuture<Void> put(Subscription subscription);

  CompletableFuture<Void> remove(String id);
}
