package dev.junction.gateway.subscription;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** A store without Kafka, for unit tests: the index, with positions counted here. */
public final class InMemorySubscriptionStore implements SubscriptionStore {

  private final SubscriptionIndex index = new SubscriptionIndex();
  private final AtomicLong position = new AtomicLong();
  private volatile RuntimeException writeFailure;

  /** From now on every write fails with {@code failure}, as a store that is unreachable would. */
  public void failWritesWith(RuntimeException failure) {
    this.writeFailure = failure;
  }

  @Override
  public Optional<Subscription> byId(String id) {
    return index.byId(id);
  }

  @Override
  public Optional<Subscription> byKeyHash(String keyHash) {
    return index.byKeyHash(keyHash);
  }

  @Override
  public Collection<Subscription> all() {
    return index.all();
  }

  @Override
  public CompletableFuture<Void> put(Subscription subscription) {
    if (writeFailure != null) {
      return CompletableFuture.failedFuture(writeFailure);
    }
    index.apply(subscription.id(), subscription, position.incrementAndGet());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> remove(String id) {
    if (writeFailure != null) {
      return CompletableFuture.failedFuture(writeFailure);
    }
    index.apply(id, null, position.incrementAndGet());
    return CompletableFuture.completedFuture(null);
  }
}
