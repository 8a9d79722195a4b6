package dev.junction.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.KafkaBroker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A gateway started before its schema registry waits for it (logging each attempt) instead of
 * failing, and becomes ready once the registry is up, with its command schema registered.
 */
class RegistryAtStartIT {

  private static final String COMMANDS = "registry-at-start-it.orchestrator.commands";

  private static KafkaBroker kafka;
  private static ApicurioRegistry registry;
  private static CompletableFuture<ConfigurableApplicationContext> gateway;

  @BeforeAll
  static void startBroker() {
    kafka = GatewayTestSupport.sharedKafka();
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.cancel(true);
      if (gateway.isDone() && !gateway.isCompletedExceptionally() && !gateway.isCancelled()) {
        gateway.join().close();
      }
    }
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void waitsForTheRegistryInsteadOfFailing() throws Exception {
    ApicurioRegistry.Settings late = ApicurioRegistry.Settings.forTest("registry-at-start-it");
    String registryUrl = "http://127.0.0.1:" + late.port() + "/apis/registry/v3";
    gateway =
        CompletableFuture.supplyAsync(
            () ->
                new SpringApplicationBuilder(GatewayApplication.class)
                    .run(
                        "--server.port=0",
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--junction.registry.url=" + registryUrl,
                        "--junction.kafka.partitions=1",
                        "--junction.gateway.command-topic=" + COMMANDS,
                        "--junction.gateway.reply-topic=registry-at-start-it.gateway.replies",
                        "--junction.gateway.catalog-dir=" + Path.of("../apis").toAbsolutePath(),
                        // keys are fetched lazily; no call in this test needs them
                        "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks",
                        "--spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:9"));

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !gateway.isDone());
    registry = ApicurioRegistry.start(late);

    ConfigurableApplicationContext started = gateway.get(60, TimeUnit.SECONDS);
    String base = "http://127.0.0.1:" + started.getEnvironment().getProperty("local.server.port");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> readiness =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> versions =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(registry.ccompatUrl() + "/subjects/" + COMMANDS + "-value/versions"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(versions.body()).isEqualTo("[1]");
  }
}
