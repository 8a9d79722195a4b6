package dev.junction.gateway.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class KafkaSubscriptionStoreTest {

  @Test
  void aWriteNoBrokerTakesFailsWithoutHoldingTheCaller() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    // nothing listens there any more: the producer never gets the topic's metadata
    Map<String, Object> client =
        Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
    Map<String, Object> producer = new HashMap<>(client);
    producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
    KafkaSubscriptionStore store =
        new KafkaSubscriptionStore(
            "subscriptions",
            client,
            producer,
            "http://127.0.0.1:" + port + "/apis/registry/v3",
            null,
            Duration.ofSeconds(1),
            0);
    try {
      long started = System.nanoTime();
      CompletableFuture<Void> write = store.put(subscription("sub_1"));
      long handedOverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      // the caller is an event loop: the producer's wait for metadata (1 s here) is not its
      assertThat(handedOverMillis).isLessThan(500);
      assertThatThrownBy(() -> write.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TimeoutException.class);
      assertThat(store.byId("sub_1")).isEmpty();
    } finally {
      store.stop();
    }
  }

  private static Subscription subscription(String id) {
    Instant now = Instant.parse("2026-12-06T08:00:00Z");
    return new Subscription(
        id,
        "starter",
        "client:alice",
        "my app",
        "0".repeat(64),
        "jk_abcd",
        Subscription.State.ACTIVE,
        now,
        now,
        "client:alice");
  }
}
