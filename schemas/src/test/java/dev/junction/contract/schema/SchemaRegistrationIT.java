package dev.junction.contract.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.contract.Topics;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.contract.schema.SchemaRegistration.Action;
import dev.junction.contract.schema.SchemaRegistration.Change;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.FreePorts;
import dev.junction.wire.WorkflowRequested;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration against a real Apicurio Registry through its Confluent-compatible API. */
class SchemaRegistrationIT {

  private static ApicurioRegistry apicurio;
  private static RegistryClient registry;

  @TempDir Path home;

  @BeforeAll
  static void startRegistry() {
    apicurio = ApicurioRegistry.start(ApicurioRegistry.Settings.forTest("schema-registration-it"));
    registry = new RegistryClient(apicurio.registryUrl(), null, HttpClient.newHttpClient());
  }

  @AfterAll
  static void stopRegistry() {
    if (apicurio != null) {
      apicurio.close();
    }
  }

  /** Writes an API payload schema into this test's catalog folder and returns its subjects. */
  private List<Subject> apiSchema(String namespace, String fields) throws Exception {
    Path dir = Files.createDirectories(home.resolve("apis/schemas/shop/v1"));
    Files.writeString(
        dir.resolve("Order.avsc"),
        """
        {"type":"record","name":"Order","namespace":"%s","doc":"An order.","fields":[%s]}
        """
            .formatted(namespace, fields));
    return ApiSchemas.load(home.resolve("apis"), home);
  }

  private static final String V1_FIELDS =
      "{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"}";

  @Test
  void registersEachSubjectOnceAndSetsItsCompatibility() throws Exception {
    List<Subject> subjects = apiSchema("it.idempotent", V1_FIELDS);
    String subject = "it.idempotent.Order";
    SchemaRegistration registration =
        new SchemaRegistration(
            registry,
            new CompatibilitySettings(
                CompatibilityMode.BACKWARD, Map.of(subject, CompatibilityMode.FULL)));

    List<Change> first = registration.register(subjects);
    List<Change> second = registration.register(subjects);

    assertThat(first).extracting(Change::action).containsExactly(Action.NEW_SUBJECT);
    assertThat(second).extracting(Change::action).containsExactly(Action.UNCHANGED);
    assertThat(second.getFirst().version()).hasValue(1);
    assertThat(registry.versions(subject)).hasSize(1);
    assertThat(registry.compatibility(subject)).hasValue(CompatibilityMode.FULL);
  }

  @Test
  void registryRefusesAnIncompatibleChange() throws Exception {
    SchemaRegistration registration =
        new SchemaRegistration(registry, CompatibilitySettings.backward());
    registration.register(apiSchema("it.refused", V1_FIELDS));
    List<Subject> breaking =
        apiSchema("it.refused", V1_FIELDS + ",{\"name\":\"channel\",\"type\":\"string\"}");

    assertThatThrownBy(() -> registry.register("it.refused.Order", breaking.getFirst().schema()))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("it.refused.Order");
    List<Change> checked = registration.check(breaking);
    List<Change> registered = registration.register(breaking);

    assertThat(checked.getFirst().action()).isEqualTo(Action.INCOMPATIBLE);
    assertThat(checked.getFirst().describe())
        .contains("INCOMPATIBLE under BACKWARD")
        .contains("field 'channel'");
    assertThat(registered.getFirst().ok()).isFalse();
    assertThat(registry.versions("it.refused.Order")).hasSize(1);
  }

  @Test
  void acceptsACompatibleChangeAsTheNextVersion() throws Exception {
    SchemaRegistration registration =
        new SchemaRegistration(registry, CompatibilitySettings.backward());
    registration.register(apiSchema("it.evolved", V1_FIELDS));
    List<Subject> v2 =
        apiSchema(
            "it.evolved",
            V1_FIELDS + ",{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}");

    assertThat(registration.check(v2))
        .extracting(Change::action)
        .containsExactly(Action.NEW_VERSION);
    List<Change> registered = registration.register(v2);

    assertThat(registered.getFirst().version()).hasValue(2);
    assertThat(registry.versions("it.evolved.Order")).hasSize(2);
    assertThat(registry.compatibility("it.evolved.Order")).hasValue(CompatibilityMode.BACKWARD);
  }

  @Test
  void theSerializerWritesWithTheVersionRegistrationCreated() {
    Subject commands =
        PlatformSubjects.onTopics().stream()
            .filter(
                s -> s.name().equals(PlatformSubjects.valueSubject(Topics.ORCHESTRATOR_COMMANDS)))
            .findFirst()
            .orElseThrow();
    new SchemaRegistration(registry, CompatibilitySettings.backward()).register(List.of(commands));
    Schema registered = registry.versions(commands.name()).getFirst();

    Serializer<WorkflowRequested> serializer = AvroSerdes.serializer(apicurio.registryUrl());
    byte[] bytes = serializer.serialize(Topics.ORCHESTRATOR_COMMANDS, request());
    int id = ByteBuffer.wrap(bytes).getInt(1);

    assertThat(registry.schemaById(id)).isEqualTo(registered);
    assertThat(registry.versions(commands.name())).hasSize(1);
  }

  @Test
  void startUpWaitsForARegistryThatIsNotThereYet() throws Exception {
    ApicurioRegistry.Settings late =
        ApicurioRegistry.Settings.forTest("schema-registration-it-late");
    RegistryClient lateClient =
        new RegistryClient(
            "http://127.0.0.1:" + late.port() + "/apis/registry/v3",
            null,
            HttpClient.newHttpClient());
    List<Subject> subjects = apiSchema("it.late", V1_FIELDS);
    CompletableFuture<List<Change>> started =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return RegistryStartup.awaitAndRegister(
                    lateClient,
                    CompatibilitySettings.backward(),
                    subjects,
                    Duration.ZERO,
                    Clock.systemUTC());
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });

    assertThat(started).isNotDone();
    try (ApicurioRegistry registryStartedLate = ApicurioRegistry.start(late)) {
      assertThat(started.get(30, TimeUnit.SECONDS))
          .extracting(Change::action)
          .containsExactly(Action.NEW_SUBJECT);
      assertThat(lateClient.versions("it.late.Order")).hasSize(1);
    }
  }

  @Test
  void startUpGivesUpAfterItsTimeoutNamingTheRegistry() {
    RegistryClient nowhere =
        new RegistryClient(
            "http://127.0.0.1:" + FreePorts.next(), null, HttpClient.newHttpClient());

    assertThatThrownBy(
            () ->
                RegistryStartup.awaitAndRegister(
                    nowhere,
                    CompatibilitySettings.backward(),
                    PlatformSubjects.onTopics(),
                    Duration.ofSeconds(1),
                    Clock.systemUTC()))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("cannot reach the schema registry at " + nowhere.url());
  }

  private static WorkflowRequested request() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return WorkflowRequested.newBuilder()
        .setRunId("run-1")
        .setWorkflow("create-order")
        .setApi("orders")
        .setApiVersion("v1")
        .setOperation("createOrder")
        .setMethod("POST")
        .setPath("/orders/v1/orders")
        .setReplyTopic(Topics.GATEWAY_REPLIES)
        .setReplyPartition(0)
        .setRequestedAt(now)
        .setDeadline(now.plusSeconds(5))
        .build();
  }
}
