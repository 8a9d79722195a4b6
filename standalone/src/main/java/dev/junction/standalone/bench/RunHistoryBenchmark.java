package dev.junction.standalone.bench;

import dev.junction.contract.Topics;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.ChildProcess;
import dev.junction.infra.FreePorts;
import dev.junction.infra.KafkaBroker;
import dev.junction.standalone.JunctionCli;
import dev.junction.standalone.stack.ServiceProcess;
import dev.junction.wire.WorkflowRequested;
import java.io.PrintStream;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code bin/junction bench-history [--runs N]}: fills an orchestrator's history with N runs
 * (100,000 by default) of a one-step workflow, then times the runs API the way {@code bin/junction
 * runs list} uses it: the newest page, a page filtered by workflow and status, a filter that
 * matches nothing (a scan of the whole index), and the {@code bin/junction runs list} command
 * itself, JVM start included.
 */
public final class RunHistoryBenchmark {

  private static final String WORKFLOW =
      """
      name: noop
      version: "1"
      description: One skipped step; fills the run history fast.
      steps:
        - id: nothing
          when: false
          connector: http-connector
          connection: none
          operation: request
          input: {}
      response:
        status: 204
      """;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RunHistoryBenchmark() {}

  public static int run(Path home, List<String> options, PrintStream out) throws Exception {
    int runs = Integer.parseInt(JunctionCli.option(options, "--runs", "100000"));
    Path dir = Files.createTempDirectory("junction-bench-history-");
    Path workflows = Files.createDirectories(dir.resolve("workflows"));
    Files.writeString(workflows.resolve("noop.yaml"), WORKFLOW);
    out.println("Starting a broker, a registry and an orchestrator ...");
    try (KafkaBroker kafka = KafkaBroker.start(KafkaBroker.Settings.forTest("bench-history"));
        ApicurioRegistry registry =
            ApicurioRegistry.start(ApicurioRegistry.Settings.forTest("bench-history"))) {
      int port = FreePorts.next();
      try (ChildProcess orchestrator =
          ServiceProcess.start(
              "bench-history-orchestrator",
              ServiceProcess.jar(home, "orchestrator", "orchestrator"),
              port,
              List.of(
                  "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                  "--junction.registry.url=" + registry.registryUrl(),
                  "--junction.orchestrator.workflows-dir=" + workflows,
                  "--junction.orchestrator.state-dir=" + dir.resolve("state"),
                  "--junction.orchestrator.application-id=bench-history",
                  "--junction.orchestrator.instance-id=bench-history-0"),
              dir,
              home)) {
        ServiceProcess.awaitReady(orchestrator, port);
        String base = "http://127.0.0.1:" + port;
        String last = fill(kafka.bootstrapServers(), registry.registryUrl(), runs, base, out);
        out.printf("History holds %d runs; last run %s%n", runs, last);
        List<String> lines = new ArrayList<>();
        lines.add(time(base, "/runs?limit=50", "newest 50"));
        lines.add(
            time(base, "/runs?workflow=noop&status=COMPLETED&limit=50", "by workflow+status"));
        lines.add(time(base, "/runs?status=COMPENSATION_FAILED&limit=50", "no match (full scan)"));
        lines.add(cli(home, base));
        lines.forEach(out::println);
      }
    }
    return 0;
  }

  private static String fill(
      String bootstrap, String registryUrl, int runs, String base, PrintStream out)
      throws Exception {
    Map<String, Object> config = new HashMap<>(AvroSerdes.serializerConfig(registryUrl));
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    long started = System.nanoTime();
    String last = null;
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(
            config, new StringSerializer(), AvroSerdes.<SpecificRecord>serializer(registryUrl))) {
      for (int i = 0; i < runs; i++) {
        last = UUID.randomUUID().toString();
        Instant now = Instant.now();
        WorkflowRequested request =
            WorkflowRequested.newBuilder()
                .setRunId(last)
                .setWorkflow("noop")
                .setApi("bench")
                .setApiVersion("v1")
                .setOperation("noop")
                .setMethod("POST")
                .setPath("/noop")
                .setTrigger("bench-history")
                .setReplyTopic("")
                .setReplyPartition(0)
                .setRequestedAt(now)
                .setDeadline(now)
                .build();
        producer.send(new ProducerRecord<>(Topics.ORCHESTRATOR_COMMANDS, last, request));
      }
    }
    String lastRun = last;
    while (!get(base + "/runs/" + lastRun).body().contains("\"COMPLETED\"")) {
      Thread.sleep(500);
    }
    // the last run sent can finish before others of other partitions: wait for the count too
    Thread.sleep(2000);
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        "Filled the history with %d runs in %.1f s (%.0f runs/s)%n", runs, seconds, runs / seconds);
    return lastRun;
  }

  private static String time(String base, String path, String what) throws Exception {
    get(base + path); // warm the path once
    List<Long> micros = new ArrayList<>();
    String body = "";
    for (int i = 0; i < 5; i++) {
      long started = System.nanoTime();
      HttpResponse<String> response = get(base + path);
      micros.add((System.nanoTime() - started) / 1000);
      body = response.body();
    }
    micros.sort(null);
    int listed = body.split("\"runId\"", -1).length - 1;
    return String.format(
        "GET %-55s %-22s median %6.1f ms, max %6.1f ms (%d runs listed)",
        path, what, micros.get(2) / 1000.0, micros.get(4) / 1000.0, listed);
  }

  private static String cli(Path home, String base) throws Exception {
    // the command as a user types it: bin/junction (JDK lookup, extracted jar, CDS archive)
    List<String> command =
        List.of(home.resolve("bin/junction").toString(), "runs", "list", "--url", base);
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      long started = System.nanoTime();
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      if (process.waitFor() != 0) {
        throw new IllegalStateException("bin/junction runs list failed");
      }
      millis.add((System.nanoTime() - started) / 1_000_000);
    }
    millis.sort(null);
    return String.format(
        "bin/junction runs list (the whole command, JVM start included): median %d ms, max %d ms",
        millis.get(1), millis.get(2));
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
