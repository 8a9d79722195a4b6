package dev.junction.gateway.subscription;

import java.time.Instant;

/**
 * A subscriber's subscription to a product. Holds the SHA-256 of its key, never the key. Also the
 * shape of one entry of the export document ({@code GET /subscriptions/export}).
 *
 * @param id {@code sub_} followed by 24 hex digits
 * @param product the product's name
 * @param subscriber who owns it: {@code client:<client id>} or {@code sub:<subject>} of the token
 *     that created it
 * @param displayName the subscriber's label, or {@code null}
 * @param keyHash lowercase hex SHA-256 of the key's UTF-8 bytes
 * @param keyPrefix the key's first characters, to tell keys apart
 * @param state whether the key is accepted
 * @param createdAt when it was created
 * @param updatedAt when its state or key last changed
 * @param updatedBy who made that change, or {@code null}
 */
public record Subscription(
    String id,
    String product,
    String subscriber,
    String displayName,
    String keyHash,
    String keyPrefix,
    State state,
    Instant createdAt,
    Instant updatedAt,
    String updatedBy) {

  /** Whether a subscription's key is accepted. */
  public enum State {
    /** the key works */
    ACTIVE,
    /** waiting for an operator's approval (products with {@code approvalRequired}) */
    PENDING,
    /** refused until an operator reactivates it */
    SUSPENDED
  }

  public Subscription withState(State next, Instant at, String by) {
    return new Subscription(
        id, product, subscriber, displayName, keyHash, keyPrefix, next, at, at, by);
  }

  public Subscription withKey(String hash, String prefix, Instant at, String by) {
    return new Subscription(
        id, product, subscriber, displayName, hash, prefix, state, createdAt, at, by);
  }
}
