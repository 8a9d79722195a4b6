package dev.junction.contract.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.junction.infra.ApicurioRegistry;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SerDe while the registry process is stopped: known schemas keep serving from the cache past
 * its refresh period; a schema never seen fails with the registry named.
 */
class RegistryOutageIT {

  private static final String TOPIC = "registry-outage-it.commands";

  /** Short, so that the test outlives it several times. */
  private static final long CHECK_PERIOD_MS = 200;

  private static ApicurioRegistry registry;

  @BeforeAll
  static void startRegistry() {
    registry = ApicurioRegistry.start(ApicurioRegistry.Settings.forTest("registry-outage-it"));
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void knownSchemasKeepServingWhileTheRegistryIsDown() {
    AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>();
    serializer.configure(
        withShortCheckPeriod(AvroSerdes.serializerConfig(registry.registryUrl())), false);
    AvroKafkaDeserializer<WorkflowRequested> deserializer = new AvroKafkaDeserializer<>();
    Map<String, Object> deserializerConfig =
        withShortCheckPeriod(AvroSerdes.deserializerConfig(registry.registryUrl()));
    deserializerConfig.put(
        SerdeConfig.DESERIALIZER_SPECIFIC_VALUE_RETURN_CLASS, WorkflowRequested.class.getName());
    deserializer.configure(deserializerConfig, false);
    WorkflowRequested request = request();
    assertThat(deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, request)))
        .isEqualTo(request);

    registry.close();

    await()
        .during(Duration.ofMillis(CHECK_PERIOD_MS * 10))
        .atMost(Duration.ofMillis(CHECK_PERIOD_MS * 20))
        .until(
            () ->
                deserializer
                    .deserialize(TOPIC, serializer.serialize(TOPIC, request))
                    .equals(request));
    WorkflowReply unknown =
        WorkflowReply.newBuilder()
            .setRunId("r1")
            .setOutcome(WorkflowOutcome.SUCCEEDED)
            .setStatus(200)
            .setCompletedAt(Instant.now())
            .build();
    assertThatThrownBy(() -> serializer.serialize("registry-outage-it.replies", unknown))
        .isInstanceOf(RuntimeException.class)
        .hasMessageContaining("Connection refused")
        .hasMessageContaining(registry.baseUrl().substring("http://".length()));
  }

  private static Map<String, Object> withShortCheckPeriod(Map<String, Object> config) {
    config.put(SerdeConfig.CHECK_PERIOD_MS, CHECK_PERIOD_MS);
    return config;
  }

  private static WorkflowRequested request() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return WorkflowRequested.newBuilder()
        .setRunId("run-outage")
        .setWorkflow("create-order")
        .setApi("orders")
        .setApiVersion("v1")
        .setOperation("createOrder")
        .setMethod("POST")
        .setPath("/orders/v1/orders")
        .setReplyTopic("gateway.replies")
        .setReplyPartition(0)
        .setRequestedAt(now)
        .setDeadline(now.plusSeconds(5))
        .build();
  }
}
