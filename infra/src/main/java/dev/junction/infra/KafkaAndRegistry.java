package dev.junction.infra;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A broker and a schema registry started side by side: each takes seconds to start, mostly waiting,
 * so starting them in parallel saves that time wherever both are needed.
 *
 * @param kafka the broker, ready for admin requests
 * @param registry the registry, ready
 */
public record KafkaAndRegistry(KafkaBroker kafka, ApicurioRegistry registry)
    implements AutoCloseable {

  /** Starts both; if either fails, the other is stopped and the failure thrown. */
  public static KafkaAndRegistry start(
      KafkaBroker.Settings kafkaSettings, ApicurioRegistry.Settings registrySettings) {
    CompletableFuture<ApicurioRegistry> registry =
        CompletableFuture.supplyAsync(() -> ApicurioRegistry.start(registrySettings));
    KafkaBroker kafka;
    try {
      kafka = KafkaBroker.start(kafkaSettings);
    } catch (RuntimeException e) {
      registry.thenAccept(ApicurioRegistry::close);
      throw e;
    }
    try {
      return new KafkaAndRegistry(kafka, registry.join());
    } catch (CompletionException e) {
      kafka.close();
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /** Throw-away instances on free ports, named {@code name} (see the {@code forTest} settings). */
  public static KafkaAndRegistry startForTest(String name) {
    return start(KafkaBroker.Settings.forTest(name), ApicurioRegistry.Settings.forTest(name));
  }

  @Override
  public void close() {
    registry.close();
    kafka.close();
  }
}
