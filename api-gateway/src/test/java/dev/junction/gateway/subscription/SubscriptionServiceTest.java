package dev.junction.gateway.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.catalog.CatalogLoader;
import dev.junction.gateway.problem.ProblemException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubscriptionServiceTest {

  private static final SubscriptionService.Caller ALICE =
      new SubscriptionService.Caller("client:alice", false);
  private static final SubscriptionService.Caller BOB =
      new SubscriptionService.Caller("client:bob", false);
  private static final SubscriptionService.Caller OPERATOR =
      new SubscriptionService.Caller("client:ops", true);

  @TempDir Path dir;

  private final InMemorySubscriptionStore store = new InMemorySubscriptionStore();
  private SubscriptionService service;

  @BeforeEach
  void products() throws IOException {
    Path products = Files.createDirectories(dir.resolve("products"));
    Files.writeString(products.resolve("open.yaml"), "name: open\napis: [{name: petstore}]\n");
    Files.writeString(
        products.resolve("vetted.yaml"),
        "name: vetted\napprovalRequired: true\napis: [{name: orders}]\n");
    ProductService productService =
        new ProductService(
            products,
            Duration.ofSeconds(1),
            new ApiCatalogService(
                dir.resolve("apis"),
                new CatalogLoader(Duration.ofSeconds(1)),
                Duration.ofSeconds(1),
                c -> {}));
    productService.loadInitial();
    service =
        new SubscriptionService(
            store,
            productService,
            Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC),
            "subscriptions:admin");
  }

  @Test
  void storesTheKeysHashNeverTheKey() {
    SubscriptionService.WithKey created = service.create(ALICE, "open", "my app").join();

    String key = created.key();
    assertThat(key).startsWith("jk_").hasSize(46);
    Subscription stored = store.byId(created.subscription().id()).orElseThrow();
    assertThat(stored.keyHash()).isEqualTo(SubscriptionKeys.hash(key)).hasSize(64);
    assertThat(stored.toString()).doesNotContain(key.substring(SubscriptionKeys.PREFIX.length()));
    assertThat(stored.keyPrefix()).isEqualTo(key.substring(0, 7));
    assertThat(stored.state()).isEqualTo(Subscription.State.ACTIVE);
    assertThat(stored.subscriber()).isEqualTo("client:alice");
    assertThat(store.byKeyHash(SubscriptionKeys.hash(key))).contains(stored);
  }

  @Test
  void aChangeTheStoreDidNotConfirmIsA503WithRetryAfter() {
    SubscriptionService.WithKey created = service.create(ALICE, "open", "my app").join();
    store.failWritesWith(new TimeoutException("Topic not present in metadata after 10000 ms."));

    assertThatThrownBy(() -> service.cancel(ALICE, created.subscription().id()).join())
        .cause()
        .isInstanceOfSatisfying(
            ProblemException.class,
            unavailable -> {
              assertThat(unavailable.problem().status()).isEqualTo(503);
              assertThat(unavailable.problem().type().toString())
                  .endsWith("/subscriptions-unavailable");
              assertThat(unavailable.problem().detail()).contains("TimeoutException");
              assertThat(unavailable.headers()).containsEntry("Retry-After", "5");
            });
    assertThat(store.byId(created.subscription().id())).isPresent();
  }

  @Test
  void keysAreRandomAndHighEntropy() {
    String first = SubscriptionKeys.generate();
    String second = SubscriptionKeys.generate();

    assertThat(first).isNotEqualTo(second).matches("jk_[A-Za-z0-9_-]{43}");
    assertThat(SubscriptionKeys.newId()).matches("sub_[0-9a-f]{24}");
  }

  @Test
  void aProductThatNeedsApprovalStartsPending() {
    assertThat(service.create(ALICE, "vetted", null).join().subscription().state())
        .isEqualTo(Subscription.State.PENDING);
    assertThatThrownBy(() -> service.create(ALICE, "nope", null))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("no product named 'nope'");
  }

  @Test
  void subscribersSeeAndChangeOnlyTheirOwnSubscriptions() {
    Subscription alices = service.create(ALICE, "open", null).join().subscription();
    service.create(BOB, "open", null).join();

    assertThat(service.list(ALICE, false))
        .extracting(Subscription::id)
        .containsExactly(alices.id());
    assertThat(service.list(OPERATOR, true)).hasSize(2);
    assertThatThrownBy(() -> service.list(ALICE, true)).hasMessageContaining("subscriptions:admin");
    assertThatThrownBy(() -> service.get(BOB, alices.id()))
        .hasMessageContaining("no subscription " + alices.id());
    assertThatThrownBy(() -> service.cancel(BOB, alices.id())).isInstanceOf(ProblemException.class);
    assertThatThrownBy(() -> service.setState(ALICE, alices.id(), Subscription.State.ACTIVE))
        .hasMessageContaining("subscriptions:admin");
  }

  @Test
  void aRegeneratedKeyReplacesTheOldOne() {
    SubscriptionService.WithKey created = service.create(ALICE, "open", null).join();

    SubscriptionService.WithKey renewed =
        service.regenerate(ALICE, created.subscription().id()).join();

    assertThat(store.byKeyHash(SubscriptionKeys.hash(created.key()))).isEmpty();
    assertThat(store.byKeyHash(SubscriptionKeys.hash(renewed.key())))
        .hasValueSatisfying(s -> assertThat(s.id()).isEqualTo(created.subscription().id()));
  }

  @Test
  void importChecksTheWholeDocumentBeforeWritingAnything() {
    Subscription kept = service.create(ALICE, "open", null).join().subscription();
    SubscriptionService.Export export = service.export(OPERATOR);
    Subscription bad =
        new Subscription(
            "sub_000000000000000000000001",
            "open",
            "client:x",
            null,
            "not-a-hash",
            "jk_abcd",
            Subscription.State.ACTIVE,
            kept.createdAt(),
            kept.updatedAt(),
            null);
    Subscription stolenKey =
        new Subscription(
            "sub_000000000000000000000002",
            "open",
            "client:x",
            null,
            kept.keyHash(),
            "jk_abcd",
            Subscription.State.ACTIVE,
            kept.createdAt(),
            kept.updatedAt(),
            null);
    SubscriptionService.Export broken =
        new SubscriptionService.Export(
            export.format(), export.exportedAt(), List.of(kept, bad, stolenKey, kept));

    assertThatThrownBy(() -> service.importAll(OPERATOR, broken))
        .isInstanceOf(ProblemException.class)
        .hasMessageContaining("nothing was imported")
        .hasMessageContaining("subscriptions[1].keyHash: must be 64 lowercase hex digits")
        .hasMessageContaining("subscriptions[2].keyHash: is the key of another subscription")
        .hasMessageContaining("subscriptions[3].id: " + kept.id() + " appears twice");
    assertThat(store.all()).containsExactly(kept);

    service.cancel(ALICE, kept.id()).join();
    assertThat(service.importAll(OPERATOR, export).join()).isEqualTo(1);
    assertThat(store.byId(kept.id())).contains(kept);
  }

  @Test
  void aChangeOlderThanWhatTheIndexHoldsIsIgnored() {
    SubscriptionIndex index = new SubscriptionIndex();
    Subscription active = service.create(ALICE, "open", null).join().subscription();
    Subscription suspended =
        active.withState(Subscription.State.SUSPENDED, active.updatedAt(), "client:ops");

    index.apply(active.id(), suspended, 7);
    index.apply(active.id(), active, 6);
    assertThat(index.byId(active.id())).contains(suspended);

    index.apply(active.id(), null, 8);
    index.apply(active.id(), suspended, 7);
    assertThat(index.byId(active.id())).isEmpty();
    assertThat(index.byKeyHash(active.keyHash())).isEmpty();
  }
}
