package dev.junction.standalone.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.contract.Topics;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.ChildProcess;
import dev.junction.infra.FreePorts;
import dev.junction.infra.InfraPaths;
import dev.junction.infra.KafkaAndRegistry;
import dev.junction.infra.KafkaBroker;
import dev.junction.wire.RunStatus;
import dev.junction.wire.RunStatusChanged;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sagas against the real parts, the orchestrator and the http-connector each in its own JVM (as
 * {@code bin/junction up} runs them), a real broker and Apicurio, and a backend that counts side
 * effects. The test plays the gateway: it sends {@code WorkflowRequested} and reads the reply.
 */
@Order(1) // among the longest classes: first on its thread (see SampleStack)
class OrchestratorSagaIT {

  private static final Logger log = LoggerFactory.getLogger(OrchestratorSagaIT.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String REPLIES = "saga-it.replies";
  private static final int PARTITIONS = 4;

  private static final String WORKFLOW =
      """
      name: saga-three
      version: "1"
      description: Create a, wait, create b, charge c; undo b then a when c fails.
      steps:
        - id: a
          connector: http-connector
          connection: svc
          operation: request
          timeout: 3m
          input: {method: POST, path: /a, body: {run: "${run.id}"}}
          compensate:
            connector: http-connector
            connection: svc
            operation: request
            input: {method: DELETE, path: "/a/${steps.a.output.body.id}"}
        - id: pause
          when: ${request.body.pause}
          delay: 1500ms
        - id: b
          connector: http-connector
          connection: svc
          operation: request
          timeout: 3m
          input: {method: POST, path: /b}
          compensate:
            connector: http-connector
            connection: svc
            operation: request
            input: {method: DELETE, path: "/b/${steps.b.output.body.id}"}
        - id: c
          connector: http-connector
          connection: svc
          operation: request
          timeout: 3m
          input: {method: POST, path: /c, body: {fail: "${request.body.fail}"}}
      response:
        status: 201
        body: {a: "${steps.a.output.body.id}", c: "${steps.c.output.body.id}"}
      failure:
        status: 502
        title: The saga failed
      """;

  private static KafkaBroker kafka;
  private static ApicurioRegistry registry;
  private static SagaBackend backend;
  private static ChildProcess connector;
  private static ChildProcess orchestrator;
  private static int orchestratorPort;
  private static int incarnation;
  private static Path workflowsDir;
  private static Path stateDir;
  private static Path logDir;
  private static KafkaProducer<String, SpecificRecord> producer;

  @BeforeAll
  static void start() throws Exception {
    KafkaAndRegistry infra = KafkaAndRegistry.startForTest("saga-it");
    kafka = infra.kafka();
    registry = infra.registry();
    backend = new SagaBackend();
    Path dir = Files.createTempDirectory("saga-it-");
    workflowsDir = Files.createDirectories(dir.resolve("workflows"));
    Files.writeString(workflowsDir.resolve("saga-three.yaml"), WORKFLOW);
    stateDir = dir.resolve("orchestrator-state");
    logDir = Files.createDirectories(InfraPaths.home().resolve("standalone/target/saga-it-logs"));
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(REPLIES, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    int connectorPort = FreePorts.next();
    connector =
        ServiceProcess.start(
            "saga-it-http-connector",
            ServiceProcess.jar(
                InfraPaths.home(), "connector-services/http-connector", "http-connector"),
            connectorPort,
            List.of(
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--junction.registry.url=" + registry.registryUrl(),
                "--junction.kafka.partitions=" + PARTITIONS,
                "--junction.http-connector.connections.svc.base-url=" + backend.baseUrl()),
            logDir,
            InfraPaths.home());
    orchestratorPort = FreePorts.next();
    startOrchestrator();
    ServiceProcess.awaitReady(connector, connectorPort);
    Map<String, Object> config = new HashMap<>(AvroSerdes.serializerConfig(registry.registryUrl()));
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producer =
        new KafkaProducer<>(
            config,
            new StringSerializer(),
            AvroSerdes.<SpecificRecord>serializer(registry.registryUrl()));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable part :
        new AutoCloseable[] {producer, orchestrator, connector, backend, registry, kafka}) {
      if (part != null) {
        try {
          part.close();
        } catch (Exception e) {
          log.warn("Could not stop {}", part, e);
        }
      }
    }
  }

  @Test
  void aFailingThirdStepCompensatesTheSecondThenTheFirstOnceEach() throws Exception {
    String runId = UUID.randomUUID().toString();
    try (KafkaConsumer<String, WorkflowReply> replies = repliesConsumer()) {
      send(runId, true, false);

      WorkflowReply reply = awaitReplies(replies, Set.of(runId)).get(runId);
      assertThat(reply.getStatus()).isEqualTo(502);
      assertThat(reply.getProblem().getDetail())
          .startsWith("step 'c' failed: ")
          .endsWith(" answered 409; compensated steps b, a");
    }

    List<String> actions =
        backend.effects().stream()
            .filter(e -> e.runId().equals(runId))
            .map(SagaBackend.SideEffect::action)
            .toList();
    assertThat(actions).containsExactly("create a", "create b", "undo b", "undo a");
    JsonNode run = JSON.readTree(get("/runs/" + runId).body());
    assertThat(run.path("status").asString()).isEqualTo("COMPENSATED");
    assertThat(run.path("compensations").valueStream().map(c -> c.path("stepId").asString()))
        .containsExactly("b", "a");
    assertThat(run.path("steps").get(3).path("status").asString()).isEqualTo("FAILED");
  }

  @Test
  void cancelCompensatesAPausedRunAndResubmitStartsANewOne() throws Exception {
    String paused = UUID.randomUUID().toString();
    String done = UUID.randomUUID().toString();
    try (KafkaConsumer<String, WorkflowReply> replies = repliesConsumer()) {
      send(done, false, false);
      awaitReplies(replies, Set.of(done));
      send(paused, false, true);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get("/runs/" + paused).body().contains("\"WAITING\""));

      HttpResponse<String> cancel =
          post("/runs/" + paused + "/cancel", "{\"reason\":\"test\",\"requestedBy\":\"ops\"}");
      assertThat(cancel.statusCode()).isEqualTo(202);
      WorkflowReply reply = awaitReplies(replies, Set.of(paused)).get(paused);
      assertThat(reply.getStatus()).isEqualTo(409);
      assertThat(reply.getProblem().getDetail())
          .startsWith("the run was cancelled by ops: test; compensated steps a");
    }
    JsonNode cancelled = JSON.readTree(get("/runs/" + paused).body());
    assertThat(cancelled.path("status").asString()).isEqualTo("CANCELLED");
    assertThat(cancelled.path("steps").get(1).path("status").asString()).isEqualTo("CANCELLED");
    assertThat(post("/runs/" + paused + "/cancel", "{}").statusCode()).isEqualTo(409);

    HttpResponse<String> resubmit = post("/runs/" + done + "/resubmit", "");
    assertThat(resubmit.statusCode()).isEqualTo(202);
    String again = JSON.readTree(resubmit.body()).path("runId").asString();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/runs/" + again).body().contains("\"COMPLETED\""));
    assertThat(JSON.readTree(get("/runs/" + again).body()).path("trigger").asString())
        .isEqualTo("resubmit:" + done);

    JsonNode page =
        JSON.readTree(get("/runs?workflow=saga-three&status=CANCELLED,COMPLETED&limit=2").body());
    assertThat(page.path("runs").valueStream().map(r -> r.path("runId").asString()))
        .containsExactly(again, paused);
    JsonNode next =
        JSON.readTree(
            get("/runs?workflow=saga-three&status=CANCELLED,COMPLETED&limit=2&before="
                    + java.net.URLEncoder.encode(page.path("next").asString(), "UTF-8"))
                .body());
    assertThat(next.path("runs").get(0).path("runId").asString()).isEqualTo(done);
    assertThat(get("/runs?status=SLEEPING").statusCode()).isEqualTo(400);

    // the same through bin/junction runs
    String base = "http://127.0.0.1:" + orchestratorPort;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int status =
        dev.junction.standalone.runs.RunsCommand.run(
            List.of("list", "--workflow", "saga-three", "--status", "CANCELLED", "--url", base),
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(status).isZero();
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains(paused)
        .contains("saga-three@1")
        .doesNotContain(done);
    out.reset();
    dev.junction.standalone.runs.RunsCommand.run(
        List.of("show", paused, "--url", base),
        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("CANCELLED")
        .contains("Compensations:")
        .contains("the run was cancelled by ops: test");
  }

  /** A FAILED run resubmitted from its failed step: the steps before it are not done again. */
  @Test
  void aFailedRunGoesOnFromItsFailedStep() throws Exception {
    Files.writeString(
        workflowsDir.resolve("twice.yaml"),
        """
        name: twice
        version: "1"
        steps:
          - id: a
            connector: http-connector
            connection: svc
            operation: request
            input: {method: POST, path: /a}
          - id: once
            connector: http-connector
            connection: svc
            operation: request
            input: {method: POST, path: /once, body: {a: "${steps.a.output.body.id}"}}
        response:
          status: 200
          body: {a: "${steps.a.output.body.id}"}
        """);
    awaitWorkflowVersion("twice", "1");
    String first = UUID.randomUUID().toString();
    try (KafkaConsumer<String, WorkflowReply> replies = repliesConsumer()) {
      send(first, "twice", "{}");
      assertThat(awaitReplies(replies, Set.of(first)).get(first).getStatus()).isEqualTo(502);
    }
    assertThat(post("/runs/" + first + "/resubmit?from=nowhere", "").statusCode()).isEqualTo(400);

    HttpResponse<String> resubmit = post("/runs/" + first + "/resubmit?from=failed", "");
    assertThat(resubmit.statusCode()).isEqualTo(202);
    String second = JSON.readTree(resubmit.body()).path("runId").asString();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/runs/" + second).body().contains("\"COMPLETED\""));

    JsonNode run = JSON.readTree(get("/runs/" + second).body());
    assertThat(run.path("trigger").asString()).isEqualTo("retry-from:" + first);
    assertThat(run.path("steps").get(1).path("input").path("body").path("a").asString())
        .isEqualTo(
            JSON.readTree(get("/runs/" + first).body())
                .path("steps")
                .get(0)
                .path("output")
                .path("body")
                .path("id")
                .asString());
    // step a was taken over, not done again
    assertThat(backend.effects().stream().filter(e -> e.runId().equals(second)))
        .extracting(SagaBackend.SideEffect::action)
        .containsExactly("once");
  }

  /** Parallel branches and a forEach through the real connector, broker and registry. */
  @Test
  void parallelBranchesAndForEachItemsRunThroughTheStack() throws Exception {
    Files.writeString(
        workflowsDir.resolve("fanout.yaml"),
        """
        name: fanout
        version: "1"
        steps:
          - id: both
            parallel:
              branches:
                - id: left
                  connector: http-connector
                  connection: svc
                  operation: request
                  input: {method: POST, path: /a}
                - id: right
                  connector: http-connector
                  connection: svc
                  operation: request
                  input: {method: POST, path: /b}
          - id: each
            forEach: ${request.body.items}
            concurrency: 2
            connector: http-connector
            connection: svc
            operation: request
            input: {method: POST, path: /a, body: {n: "${item}"}}
        response:
          status: 200
          body: {left: "${steps.both.output.left.body.id}", count: "${size(steps.each.output)}"}
        """);
    awaitWorkflowVersion("fanout", "1");
    String runId = UUID.randomUUID().toString();
    try (KafkaConsumer<String, WorkflowReply> replies = repliesConsumer()) {
      send(runId, "fanout", "{\"items\":[1,2,3,4,5]}");
      WorkflowReply reply = awaitReplies(replies, Set.of(runId)).get(runId);
      assertThat(reply.getStatus()).as(String.valueOf(reply.getProblem())).isEqualTo(200);
      assertThat(JSON.readTree(reply.getBody()).path("count").asInt()).isEqualTo(5);
    }
    assertThat(backend.effects().stream().filter(e -> e.runId().equals(runId))).hasSize(7);
    JsonNode run = JSON.readTree(get("/runs/" + runId).body());
    assertThat(run.path("steps").get(1).path("children")).hasSize(5);
  }

  /** Runs started by a schedule and by records on a topic (Avro with a schema, and JSON). */
  @Test
  void schedulesAndKafkaRecordsStartRuns() throws Exception {
    String topic = "saga-it.orders";
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin
          .createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Path file = workflowsDir.resolve("triggered.yaml");
    Files.writeString(
        file,
        """
        name: triggered
        version: "1"
        triggers:
          - schedule: {cron: "*/2 * * * * *", zone: Europe/Oslo, body: {orderId: clock}}
          - kafka: {topic: saga-it.orders}
        steps:
          - id: a
            connector: http-connector
            connection: svc
            operation: request
            input: {method: POST, path: /a, body: {orderId: "${request.body.orderId}"}}
        response:
          status: 200
        """);
    try {
      awaitWorkflowVersion("triggered", "1");
      org.apache.avro.Schema schema =
          new org.apache.avro.Schema.Parser()
              .parse(
                  "{\"type\":\"record\",\"name\":\"OrderPlaced\",\"namespace\":\"shop\","
                      + "\"fields\":[{\"name\":\"orderId\",\"type\":\"string\"},"
                      + "{\"name\":\"amount\",\"type\":\"int\"}]}");
      org.apache.avro.generic.GenericRecord placed =
          new org.apache.avro.generic.GenericData.Record(schema);
      placed.put("orderId", "o-avro");
      placed.put("amount", 3);
      io.apicurio.registry.serde.avro.AvroKafkaSerializer<org.apache.avro.generic.GenericRecord>
          avro = new io.apicurio.registry.serde.avro.AvroKafkaSerializer<>();
      avro.configure(AvroSerdes.serializerConfig(registry.registryUrl()), false);
      try (KafkaProducer<String, byte[]> raw =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new StringSerializer(),
              new org.apache.kafka.common.serialization.ByteArraySerializer())) {
        raw.send(new ProducerRecord<>(topic, "k1", avro.serialize(topic, placed)))
            .get(10, TimeUnit.SECONDS);
        raw.send(
                new ProducerRecord<>(
                    topic,
                    "k2",
                    "{\"orderId\":\"o-json\",\"amount\":1}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .get(10, TimeUnit.SECONDS);
        raw.send(
                new ProducerRecord<>(
                    topic, "k3", "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
            .get(10, TimeUnit.SECONDS);
      }

      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                JsonNode page =
                    JSON.readTree(
                        get("/runs?workflow=triggered&status=COMPLETED&limit=500").body());
                List<String> triggers =
                    page.path("runs").valueStream().map(r -> r.path("trigger").asString()).toList();
                assertThat(triggers)
                    .contains("schedule:*/2 * * * * *")
                    .filteredOn(t -> t.equals("kafka:" + topic))
                    .hasSize(2);
              });
      List<String> orderIds =
          backend.effects().stream()
              .map(SagaBackend.SideEffect::runId)
              .map(runId -> quietly(orchestratorPort, "/runs/" + runId))
              .filter(r -> r.statusCode() == 200)
              .map(r -> JSON.readTree(r.body()))
              .filter(run -> run.path("workflow").asString().equals("triggered"))
              .map(
                  run ->
                      run.path("steps")
                          .get(0)
                          .path("input")
                          .path("body")
                          .path("orderId")
                          .asString())
              .toList();
      assertThat(orderIds).contains("o-avro", "o-json", "clock");
    } finally {
      Files.delete(file);
    }
    try (KafkaConsumer<String, byte[]> deadLetters =
        new KafkaConsumer<>(
            consumerConfig(),
            new StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      deadLetters.subscribe(List.of(topic + "-dlt"));
      List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                deadLetters.poll(Duration.ofMillis(200)).forEach(found::add);
                return !found.isEmpty();
              });
      assertThat(found.getFirst().key()).isEqualTo("k3");
      assertThat(
              new String(
                  found.getFirst().headers().lastHeader("kafka_dlt-exception-message").value(),
                  java.nio.charset.StandardCharsets.UTF_8))
          .contains("neither Avro with a registered schema nor JSON");
    }
  }

  /**
   * A new version deployed while a run of the old one waits on a timer, then a kill -9: the old run
   * finishes on its version (restored from the definition archive, since the file now holds the new
   * one), new runs use the new version.
   */
  @Test
  void runsInFlightKeepTheirVersionAcrossADeployAndARestart() throws Exception {
    Path file = workflowsDir.resolve("versioned.yaml");
    Files.writeString(file, versioned("1"));
    awaitWorkflowVersion("versioned", "1");
    String old = UUID.randomUUID().toString();
    String fresh = UUID.randomUUID().toString();
    try (KafkaConsumer<String, WorkflowReply> replies = repliesConsumer()) {
      send(old, "versioned", "{}");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get("/runs/" + old).body().contains("\"WAITING\""));

      Files.writeString(file, versioned("2"));
      awaitWorkflowVersion("versioned", "2");
      send(fresh, "versioned", "{}");
      killAndRestartOrchestrator();

      Map<String, WorkflowReply> got = awaitReplies(replies, Set.of(old, fresh));
      assertThat(got.get(old).getBody()).isEqualTo("{\"version\":\"1\"}");
      assertThat(got.get(fresh).getBody()).isEqualTo("{\"version\":\"2\"}");
    }
    assertThat(JSON.readTree(get("/runs/" + old).body()).path("workflowVersion").asString())
        .isEqualTo("1");
  }

  private static String versioned(String version) {
    return """
        name: versioned
        version: "%s"
        steps:
          - id: wait
            delay: 4s
          - id: a
            connector: http-connector
            connection: svc
            operation: request
            input: {method: POST, path: /a}
        response:
          status: 200
          body: {version: "%s"}
        """
        .formatted(version, version);
  }

  private static void awaitWorkflowVersion(String name, String version) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                JSON.readTree(get("/workflows").body())
                    .valueStream()
                    .anyMatch(
                        w ->
                            w.path("name").asString().equals(name)
                                && w.path("version").asString().equals(version)));
  }

  /**
   * Two instances share the partitions; either answers for any run; when one dies, the other takes
   * its partitions over and finishes its runs (their timers included).
   */
  @Test
  void aSecondInstanceSharesTheWorkAndItsRunsSurviveItsDeath() throws Exception {
    int secondPort = FreePorts.next();
    ChildProcess second = startOrchestratorInstance("saga-it-1", secondPort);
    try {
      Set<String> runIds = new HashSet<>();
      for (int i = 0; i < 120; i++) {
        String runId = UUID.randomUUID().toString();
        runIds.add(runId);
        send(runId, false, true);
      }
      producer.flush();
      // both instances answer for every run, whichever owns it (once the group has rebalanced and
      // the second has restored its share of the state: slow on a loaded machine)
      for (int port : new int[] {orchestratorPort, secondPort}) {
        await()
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(
                () ->
                    runIds.stream()
                        .allMatch(id -> quietly(port, "/runs/" + id).statusCode() == 200));
      }
      JsonNode merged = JSON.readTree(get(orchestratorPort, "/runs?limit=500").body());
      assertThat(merged.path("runs").valueStream().map(r -> r.path("runId").asString()))
          .containsAll(runIds);

      ProcessHandle.of(second.pid()).orElseThrow().destroyForcibly();
      second.close();
      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .until(
              () ->
                  runIds.stream()
                      .allMatch(
                          id ->
                              quietly(orchestratorPort, "/runs/" + id)
                                  .body()
                                  .contains("\"status\":\"COMPLETED\"")));
    } finally {
      second.close();
    }
  }

  /**
   * 500 runs, some waiting on a durable delay timer, while the orchestrator is killed with {@code
   * kill -9} and restarted five times. Afterwards each run has ended exactly once, as it should
   * (completed, or compensated when its charge is refused), and the backend saw each side effect
   * exactly once.
   */
  @Test
  void survivesKillDashNineWhileRunsAreInFlight() throws Exception {
    int waves = 5;
    int perWave = 100;
    Map<String, Boolean> runs = new HashMap<>();
    for (int wave = 0; wave < waves; wave++) {
      int effectsBefore = backend.effects().size();
      for (int i = 0; i < perWave; i++) {
        String runId = UUID.randomUUID().toString();
        boolean fail = i % 4 == 0;
        runs.put(runId, fail);
        send(runId, fail, i % 2 == 0);
      }
      producer.flush();
      // kill while the wave is in flight: some runs have done side effects, none can have ended
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> backend.effects().size() >= effectsBefore + perWave / 3);
      killAndRestartOrchestrator();
    }

    Map<String, String> status = new HashMap<>();
    Map<String, String> unexpected = new HashMap<>();
    Map<String, String> unfinished = new HashMap<>();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              for (String runId : runs.keySet()) {
                if (!status.containsKey(runId)
                    || status.get(runId).equals("RUNNING")
                    || status.get(runId).equals("COMPENSATING")) {
                  HttpResponse<String> response = get("/runs/" + runId);
                  if (response.statusCode() == 200) {
                    String now = JSON.readTree(response.body()).path("status").asString();
                    status.put(runId, now);
                    if (now.equals("RUNNING") || now.equals("COMPENSATING")) {
                      unfinished.put(runId, response.body());
                    } else {
                      unfinished.remove(runId);
                    }
                    if (!Set.of("RUNNING", "COMPENSATING", "COMPLETED", "COMPENSATED")
                        .contains(now)) {
                      unexpected.put(runId, response.body());
                    }
                  }
                }
              }
              assertThat(unexpected).as("runs that ended otherwise than expected").isEmpty();
              assertThat(status.values())
                  .as(
                      "%d runs unfinished, e.g. %s",
                      unfinished.size(), unfinished.values().stream().limit(2).toList())
                  .hasSize(runs.size())
                  .allMatch(s -> s.equals("COMPLETED") || s.equals("COMPENSATED"));
            });

    runs.forEach(
        (runId, fail) ->
            assertThat(status.get(runId))
                .as("run %s", runId)
                .isEqualTo(fail ? "COMPENSATED" : "COMPLETED"));
    assertEndedExactlyOnce(runs.keySet());

    Map<String, List<String>> effectsByRun =
        backend.effects().stream()
            .filter(e -> runs.containsKey(e.runId()))
            .collect(
                Collectors.groupingBy(
                    SagaBackend.SideEffect::runId,
                    Collectors.mapping(SagaBackend.SideEffect::action, Collectors.toList())));
    runs.forEach(
        (runId, fail) ->
            assertThat(effectsByRun.get(runId))
                .as("side effects of run %s", runId)
                .containsExactlyElementsOf(
                    fail
                        ? List.of("create a", "create b", "undo b", "undo a")
                        : List.of("create a", "create b", "charge")));
    log.info(
        "Fault test: {} runs over {} kill -9 restarts; backend answered {} repeated idempotency"
            + " keys without a second side effect",
        runs.size(),
        waves,
        backend.repeats());
  }

  /** Each run published exactly one distinct terminal event (repeats carry the same number). */
  private static void assertEndedExactlyOnce(Set<String> runIds) {
    Map<String, Set<Long>> terminal = new HashMap<>();
    try (KafkaConsumer<String, RunStatusChanged> events =
        new KafkaConsumer<>(
            consumerConfig(),
            new StringDeserializer(),
            AvroSerdes.deserializer(RunStatusChanged.class, registry.registryUrl()))) {
      events.subscribe(List.of(Topics.RUN_EVENTS));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, RunStatusChanged> record :
                    events.poll(Duration.ofMillis(500))) {
                  RunStatusChanged event = record.value();
                  if (runIds.contains(event.getRunId()) && isTerminal(event.getStatus())) {
                    terminal
                        .computeIfAbsent(event.getRunId(), k -> new HashSet<>())
                        .add(event.getSequence());
                  }
                }
                return terminal.size() == runIds.size();
              });
    }
    assertThat(terminal.values()).allSatisfy(sequences -> assertThat(sequences).hasSize(1));
  }

  private static boolean isTerminal(RunStatus status) {
    return status != RunStatus.RUNNING && status != RunStatus.COMPENSATING;
  }

  private static void startOrchestrator() {
    incarnation++;
    orchestrator = startOrchestratorInstance("saga-it-0", orchestratorPort);
  }

  private static ChildProcess startOrchestratorInstance(String instanceId, int port) {
    ChildProcess process =
        ServiceProcess.start(
            "saga-it-orchestrator-" + instanceId + "-" + incarnation,
            ServiceProcess.jar(InfraPaths.home(), "orchestrator", "orchestrator"),
            port,
            List.of(
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--junction.registry.url=" + registry.registryUrl(),
                "--junction.kafka.partitions=" + PARTITIONS,
                "--junction.orchestrator.application-id=saga-it",
                "--junction.orchestrator.instance-id=" + instanceId,
                "--junction.orchestrator.workflows-dir=" + workflowsDir,
                "--junction.orchestrator.state-dir=" + stateDir.resolve(instanceId)),
            logDir,
            InfraPaths.home());
    ServiceProcess.awaitReady(process, port);
    return process;
  }

  private static void killAndRestartOrchestrator() throws Exception {
    ProcessHandle process = ProcessHandle.of(orchestrator.pid()).orElseThrow();
    Instant at = Instant.now();
    process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no commit
    process.onExit().get(30, TimeUnit.SECONDS);
    orchestrator.close();
    startOrchestrator();
    log.info(
        "Orchestrator killed with SIGKILL and ready again in {} ms (incarnation {})",
        Duration.between(at, Instant.now()).toMillis(),
        incarnation);
  }

  private static void send(String runId, boolean fail, boolean pause) throws Exception {
    send(runId, "saga-three", "{\"fail\":" + fail + ",\"pause\":" + pause + "}");
  }

  private static void send(String runId, String workflow, String body) throws Exception {
    WorkflowRequested request =
        WorkflowRequested.newBuilder()
            .setRunId(runId)
            .setWorkflow(workflow)
            .setApi("saga")
            .setApiVersion("v1")
            .setOperation("run")
            .setMethod("POST")
            .setPath("/saga")
            .setBody(body)
            .setReplyTopic(REPLIES)
            .setReplyPartition(0)
            .setRequestedAt(Instant.now())
            .setDeadline(Instant.now().plusSeconds(30))
            .build();
    producer.send(new ProducerRecord<>(Topics.ORCHESTRATOR_COMMANDS, runId, request));
  }

  private static KafkaConsumer<String, WorkflowReply> repliesConsumer() {
    KafkaConsumer<String, WorkflowReply> consumer =
        new KafkaConsumer<>(
            consumerConfig(),
            new StringDeserializer(),
            AvroSerdes.deserializer(WorkflowReply.class, registry.registryUrl()));
    consumer.subscribe(List.of(REPLIES));
    return consumer;
  }

  private static Map<String, WorkflowReply> awaitReplies(
      KafkaConsumer<String, WorkflowReply> consumer, Set<String> runIds) {
    Map<String, WorkflowReply> found = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              consumer
                  .poll(Duration.ofMillis(200))
                  .forEach(
                      r -> {
                        if (runIds.contains(r.key())) {
                          found.putIfAbsent(r.key(), r.value());
                        }
                      });
              return found.keySet().containsAll(runIds);
            });
    return found;
  }

  private static Map<String, Object> consumerConfig() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG,
        "saga-it-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        "earliest");
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orchestratorPort + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return get(orchestratorPort, path);
  }

  /** A GET whose failure (e.g. a refused connection) is an unchecked exception, for lambdas. */
  private static HttpResponse<String> quietly(int port, String path) {
    try {
      return get(port, path);
    } catch (Exception e) {
      throw new IllegalStateException("GET " + path + " failed", e);
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
