package dev.junction.gateway.subscription;

import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;

/**
 * What subscribers and operators do with subscriptions, over a {@link SubscriptionStore}. A
 * subscriber sees and changes only their own subscriptions; an operator sees and changes all. A
 * subscription someone may not see is answered as missing, never as forbidden, so ids cannot be
 * probed.
 */
public final class SubscriptionService {

  private static final Logger log = LoggerFactory.getLogger(SubscriptionService.class);

  /** What a caller is asked to wait when the store did not take a change. */
  static final String RETRY_AFTER_SECONDS = "5";

  /** Version of the export document's shape; an import refuses any other. */
  public static final String EXPORT_FORMAT = "junction.subscriptions/v1";

  private static final Pattern ID = Pattern.compile("sub_[0-9a-f]{24}");
  private static final int MAX_DISPLAY_NAME = 100;

  private final SubscriptionStore store;
  private final ProductService products;
  private final Clock clock;
  private final String operatorScope;

  /**
   * @param operatorScope the scope of operators, named when a subscriber asks for what only
   *     operators may do
   */
  public SubscriptionService(
      SubscriptionStore store, ProductService products, Clock clock, String operatorScope) {
    this.store = store;
    this.products = products;
    this.clock = clock;
    this.operatorScope = operatorScope;
  }

  /**
   * Who asks.
   *
   * @param id {@code client:<id>} or {@code sub:<subject>} of the token
   * @param operator whether the token holds the operator scope
   */
  public record Caller(String id, boolean operator) {}

  /** A subscription with its key, answered once: at creation and when the key is regenerated. */
  public record WithKey(Subscription subscription, String key) {}

  /** The export document: every subscription, with key hashes only. */
  public record Export(String format, Instant exportedAt, List<Subscription> subscriptions) {}

  /** Subscribes the caller to a product; the key is in the answer and nowhere else. */
  public CompletableFuture<WithKey> create(Caller caller, String productName, String displayName) {
    Product product =
        products
            .current()
            .find(productName == null ? "" : productName)
            .orElseThrow(
                () ->
                    new ProblemException(
                        ProblemType.INVALID_REQUEST.with(
                            "no product named '" + productName + "'")));
    if (displayName != null && displayName.length() > MAX_DISPLAY_NAME) {
      throw new ProblemException(
          ProblemType.INVALID_REQUEST.with(
              "displayName: at most " + MAX_DISPLAY_NAME + " characters"));
    }
    String key = SubscriptionKeys.generate();
    Instant now = now();
    Subscription subscription =
        new Subscription(
            SubscriptionKeys.newId(),
            product.name(),
            caller.id(),
            displayName,
            SubscriptionKeys.hash(key),
            SubscriptionKeys.shown(key),
            product.approvalRequired() ? Subscription.State.PENDING : Subscription.State.ACTIVE,
            now,
            now,
            caller.id());
    return written(store.put(subscription)).thenApply(done -> new WithKey(subscription, key));
  }

  /** The caller's subscriptions, or everybody's for an operator who asks for all. */
  public List<Subscription> list(Caller caller, boolean all) {
    if (all && !caller.operator()) {
      throw forbidden();
    }
    return store.all().stream().filter(s -> all || s.subscriber().equals(caller.id())).toList();
  }

  /** One subscription the caller may see. */
  public Subscription get(Caller caller, String id) {
    return store
        .byId(id)
        .filter(s -> caller.operator() || s.subscriber().equals(caller.id()))
        .orElseThrow(
            () ->
                new ProblemException(
                    ProblemType.SUBSCRIPTION_NOT_FOUND.with("no subscription " + id)));
  }

  /** A new key for a subscription; the old one stops working. */
  public CompletableFuture<WithKey> regenerate(Caller caller, String id) {
    Subscription subscription = get(caller, id);
    String key = SubscriptionKeys.generate();
    Subscription next =
        subscription.withKey(
            SubscriptionKeys.hash(key), SubscriptionKeys.shown(key), now(), caller.id());
    return written(store.put(next)).thenApply(done -> new WithKey(next, key));
  }

  /** Cancels a subscription: its key stops working and it is gone. */
  public CompletableFuture<Void> cancel(Caller caller, String id) {
    return written(store.remove(get(caller, id).id()));
  }

  /** Operators: suspends, reactivates or approves a subscription. */
  public CompletableFuture<Subscription> setState(
      Caller caller, String id, Subscription.State state) {
    if (!caller.operator()) {
      throw forbidden();
    }
    Subscription next = get(caller, id).withState(state, now(), caller.id());
    return written(store.put(next)).thenApply(done -> next);
  }

  /** Operators: every subscription, for a backup. */
  public Export export(Caller caller) {
    if (!caller.operator()) {
      throw forbidden();
    }
    return new Export(EXPORT_FORMAT, now(), List.copyOf(store.all()));
  }

  /**
   * Operators: restores subscriptions from an export document. The whole document is checked before
   * anything is written; each subscription replaces the one with its id.
   *
   * @return how many subscriptions were written
   */
  public CompletableFuture<Integer> importAll(Caller caller, Export document) {
    checkImport(caller, document);
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    for (Subscription subscription : document.subscriptions()) {
      writes.add(written(store.put(subscription)));
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenApply(done -> writes.size());
  }

  /**
   * Operators: checks an import document as {@link #importAll} does, writing nothing (the dry run
   * of {@code bin/junction import}).
   *
   * @return how many subscriptions an import would write
   */
  public int checkImport(Caller caller, Export document) {
    if (!caller.operator()) {
      throw forbidden();
    }
    List<String> problems = check(document);
    if (!problems.isEmpty()) {
      throw new ProblemException(
          ProblemType.INVALID_REQUEST.with(
              "the import document is invalid; nothing was imported: "
                  + String.join("; ", problems)));
    }
    return document.subscriptions().size();
  }

  /** Every problem of an import document. */
  List<String> check(Export document) {
    List<String> problems = new ArrayList<>();
    if (document == null || !EXPORT_FORMAT.equals(document.format())) {
      problems.add("format: must be " + EXPORT_FORMAT);
      return problems;
    }
    if (document.subscriptions() == null) {
      problems.add("subscriptions: is required");
      return problems;
    }
    Set<String> ids = new HashSet<>();
    Map<String, String> hashes = new HashMap<>();
    for (int i = 0; i < document.subscriptions().size(); i++) {
      Subscription s = document.subscriptions().get(i);
      String at = "subscriptions[" + i + "]";
      if (s == null) {
        problems.add(at + ": must be an object");
        continue;
      }
      if (s.id() == null || !ID.matcher(s.id()).matches()) {
        problems.add(at + ".id: must be sub_ and 24 hex digits");
      } else if (!ids.add(s.id())) {
        problems.add(at + ".id: " + s.id() + " appears twice");
      }
      if (s.product() == null || s.product().isBlank()) {
        problems.add(at + ".product: is required");
      }
      if (s.subscriber() == null || s.subscriber().isBlank()) {
        problems.add(at + ".subscriber: is required");
      }
      if (!SubscriptionKeys.isHash(s.keyHash())) {
        problems.add(at + ".keyHash: must be 64 lowercase hex digits (a SHA-256)");
      } else {
        String other = hashes.putIfAbsent(s.keyHash(), s.id());
        String existing = store.byKeyHash(s.keyHash()).map(Subscription::id).orElse(null);
        if (other != null || (existing != null && !existing.equals(s.id()))) {
          problems.add(at + ".keyHash: is the key of another subscription");
        }
      }
      if (s.keyPrefix() == null || !s.keyPrefix().startsWith(SubscriptionKeys.PREFIX)) {
        problems.add(at + ".keyPrefix: must start with " + SubscriptionKeys.PREFIX);
      }
      if (s.state() == null) {
        problems.add(at + ".state: must be ACTIVE, PENDING or SUSPENDED");
      }
      if (s.createdAt() == null || s.updatedAt() == null) {
        problems.add(at + ": createdAt and updatedAt are required");
      }
    }
    return problems;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private ProblemException forbidden() {
    return new ProblemException(ProblemType.FORBIDDEN.with("missing scope: " + operatorScope));
  }

  /**
   * A change the store did not confirm (Kafka unreachable, or too slow) becomes a {@code 503} with
   * {@code Retry-After}, not an internal error. The change may still have been written; writes
   * replace a subscription by id, so repeating one is safe (a repeated {@code POST /subscriptions}
   * creates another subscription).
   */
  private static CompletableFuture<Void> written(CompletableFuture<Void> write) {
    return write.exceptionallyCompose(
        error -> {
          Throwable cause =
              error instanceof CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          log.warn("A subscription change was not confirmed by the store: {}", cause.toString());
          return CompletableFuture.failedFuture(
              new ProblemException(
                  ProblemType.SUBSCRIPTIONS_UNAVAILABLE.with(
                      "the subscription store did not confirm the change ("
                          + cause.getClass().getSimpleName()
                          + "); retry later"),
                  Map.of(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)));
        });
  }
}
