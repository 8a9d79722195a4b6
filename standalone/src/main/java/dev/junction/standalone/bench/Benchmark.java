package dev.junction.standalone.bench;

import dev.junction.infra.ChildProcess;
import dev.junction.infra.Readiness;
import dev.junction.standalone.JunctionCli;
import dev.junction.standalone.stack.EmbeddedStack;
import dev.junction.standalone.stack.StackSettings;
import dev.junction.standalone.stack.TokenClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bin/junction bench}: starts its own stack, then measures on the same broker (a) the floor,
 * a raw Kafka request-reply round trip to an echo running in a JVM of its own, and (b) the sample
 * composite API over HTTP, each at concurrency 1 and 64, for a fixed duration after a warm-up; and,
 * for reference, the raw round trip with the echo inside the benchmark's JVM at concurrency 1. A
 * composite call makes three Kafka round trips (gateway to orchestrator and back, and one per
 * connector step).
 */
public final class Benchmark {
  static final int KAFKA_ROUND_TRIPS_PER_CALL = 3;
  private static final int[] CONCURRENCY = {1, 64};
  private static final String FLOOR_REQUESTS = "bench.floor.requests";
  private static final String FLOOR_REPLIES = "bench.floor.replies";
  private static final String LOCAL_REQUESTS = "bench.floor-in-process.requests";
  private static final String LOCAL_REPLIES = "bench.floor-in-process.replies";
  private static final String ECHO_READY = "bench echo ready";
  private static final int CONNECTOR_WARMUP = 5_000;
  private static final int CONNECTOR_COMMANDS = 20_000;
  private static final String BODY = "{\"customerId\":\"c-1\",\"sku\":\"sku-1\",\"quantity\":2}";

  /** One call of the measured operation, run by a closed-loop worker. */
  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  private Benchmark() {}

  public static int run(Path home, List<String> options, PrintStream out) throws Exception {
    Duration duration =
        Duration.ofSeconds(Long.parseLong(JunctionCli.option(options, "--duration", "10")));
    Duration warmup =
        Duration.ofSeconds(Long.parseLong(JunctionCli.option(options, "--warmup", "60")));
    String jsonFile = JunctionCli.option(options, "--json", null);
    boolean connectorOnly = options.contains("--connector-only");
    out.println("Starting a stack for the benchmark ...");
    Map<String, Map<String, LatencyRecorder.Summary>> results = new LinkedHashMap<>();
    ConnectorBurst.Result connector;
    try (EmbeddedStack stack = EmbeddedStack.start(StackSettings.ephemeral(home, "bench", 1))) {
      String bootstrap = stack.bootstrapServers();
      if (!connectorOnly) {
        measureRoundTrips(home, stack, results, warmup, duration, out);
      }
      ConnectorBurst burst = new ConnectorBurst(bootstrap, stack.registryUrl());
      out.printf("  connector warm-up burst of %d commands ...%n", CONNECTOR_WARMUP);
      burst.run(CONNECTOR_WARMUP);
      out.printf("  connector burst of %d commands ...%n", CONNECTOR_COMMANDS);
      connector = burst.run(CONNECTOR_COMMANDS);
    }
    if (!connectorOnly) {
      report(results, out);
    }
    out.printf(
        "http-connector: %d commands, %.0f/s, send-to-reply p50 %.3f ms, p99 %.3f ms%n",
        connector.commands(), connector.perSecond(), connector.p50Ms(), connector.p99Ms());
    if (jsonFile != null) {
      writeJson(results, connector, Path.of(jsonFile));
      out.println("Wrote " + jsonFile);
    }
    return 0;
  }

  /** The floor and the composite API, each at concurrency 1 and 64. */
  private static void measureRoundTrips(
      Path home,
      EmbeddedStack stack,
      Map<String, Map<String, LatencyRecorder.Summary>> results,
      Duration warmup,
      Duration duration,
      PrintStream out)
      throws Exception {
    String bootstrap = stack.bootstrapServers();
    // The floor's echo runs in a JVM of its own: every hop of the composite path crosses
    // processes, and a round trip between two threads of one JVM would flatter the floor.
    RawKafkaRoundTrip.createTopics(bootstrap, FLOOR_REQUESTS, FLOOR_REPLIES);
    try (ChildProcess echo = startEcho(home, stack, FLOOR_REQUESTS, FLOOR_REPLIES);
        RawKafkaRoundTrip floor = new RawKafkaRoundTrip(bootstrap, FLOOR_REQUESTS, FLOOR_REPLIES)) {
      results.put("floor", measure("floor", floor::call, CONCURRENCY, warmup, duration, out));
    }
    // for reference: the same round trip with the echo on a thread of this JVM
    RawKafkaRoundTrip.createTopics(bootstrap, LOCAL_REQUESTS, LOCAL_REPLIES);
    try (KafkaEcho echo = new KafkaEcho(bootstrap, LOCAL_REQUESTS, LOCAL_REPLIES);
        RawKafkaRoundTrip floor = new RawKafkaRoundTrip(bootstrap, LOCAL_REQUESTS, LOCAL_REPLIES)) {
      results.put(
          "floor_in_process",
          measure("floor-local", floor::call, new int[] {1}, shorter(warmup), duration, out));
    }
    StackSettings settings = stack.settings();
    String token =
        TokenClient.fetch(
            settings.tokenUrl(),
            StackSettings.SAMPLE_CLIENT_ID,
            settings.clientSecret(),
            StackSettings.SAMPLE_SCOPES);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(0) + "/orders/v1/orders"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(BODY))
            .build();
    Call composite =
        () -> {
          HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 201) {
            throw new IllegalStateException(
                "answered " + response.statusCode() + ": " + response.body());
          }
        };
    results.put("composite", measure("composite", composite, CONCURRENCY, warmup, duration, out));
  }

  private static Map<String, LatencyRecorder.Summary> measure(
      String name,
      Call call,
      int[] concurrencies,
      Duration warmup,
      Duration duration,
      PrintStream out)
      throws Exception {
    Map<String, LatencyRecorder.Summary> byConcurrency = new LinkedHashMap<>();
    for (int concurrency : concurrencies) {
      // warm every JVM on the path (JIT, connection pools, caches) at the concurrency measured
      out.printf("  %-9s c=%-3d warm-up %ds ...%n", name, concurrency, warmup.toSeconds());
      loop(call, concurrency, warmup, new LatencyRecorder(concurrency, 1 << 16));
      out.printf("  %-9s c=%-3d measuring %ds ...%n", name, concurrency, duration.toSeconds());
      LatencyRecorder recorder = new LatencyRecorder(concurrency, 1 << 20);
      long started = System.nanoTime();
      loop(call, concurrency, duration, recorder);
      double seconds = (System.nanoTime() - started) / 1e9;
      LatencyRecorder.Summary summary = recorder.summarise(seconds);
      if (summary.errors() > 0) {
        out.printf("  %-9s c=%-3d %d calls failed%n", name, concurrency, summary.errors());
      }
      byConcurrency.put("c" + concurrency, summary);
    }
    return byConcurrency;
  }

  /** Runs {@code concurrency} closed-loop workers calling {@code call} until time is up. */
  private static void loop(Call call, int concurrency, Duration length, LatencyRecorder recorder)
      throws Exception {
    long end = System.nanoTime() + length.toNanos();
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < concurrency; w++) {
        int worker = w;
        running.add(
            workers.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try {
                      call.run();
                      recorder.record(worker, System.nanoTime() - start);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return null;
                    } catch (Exception e) { // a failed call is counted, and the run goes on
                      recorder.error();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> worker : running) {
        worker.get();
      }
    }
  }

  /** {@code bench-echo BOOTSTRAP REQUESTS REPLIES}: the floor's echo, run as its own JVM. */
  public static int echo(List<String> options, PrintStream out) throws InterruptedException {
    if (options.size() != 3) {
      throw new IllegalArgumentException("usage: bench-echo BOOTSTRAP REQUESTS REPLIES");
    }
    KafkaEcho echo = new KafkaEcho(options.get(0), options.get(1), options.get(2));
    out.println(ECHO_READY);
    echo.join();
    return 0;
  }

  private static ChildProcess startEcho(
      Path home, EmbeddedStack stack, String requests, String replies) {
    Path jar = home.resolve("standalone/target/standalone-exec.jar");
    ChildProcess echo =
        ChildProcess.start(
            "bench-echo",
            List.of(
                ChildProcess.javaBinary(),
                "-Xmx128m",
                "-Djunction.home=" + home,
                "-jar",
                jar.toString(),
                "bench-echo",
                stack.bootstrapServers(),
                requests,
                replies),
            home,
            Map.of(),
            stack.settings().logDir().resolve("bench-echo.log"));
    try {
      Readiness.await(echo, Duration.ofSeconds(60), () -> echo.tail(5).contains(ECHO_READY));
    } catch (RuntimeException e) {
      echo.close();
      throw e;
    }
    return echo;
  }

  private static Duration shorter(Duration warmup) {
    return warmup.compareTo(Duration.ofSeconds(20)) > 0 ? Duration.ofSeconds(20) : warmup;
  }

  private static void report(
      Map<String, Map<String, LatencyRecorder.Summary>> results, PrintStream out) {
    out.println();
    out.printf(
        "%-10s %-5s %10s %10s %10s %8s%n",
        "measure", "conc", "p50 ms", "p99 ms", "per s", "errors");
    results.forEach(
        (name, byConcurrency) ->
            byConcurrency.forEach(
                (concurrency, s) ->
                    out.printf(
                        "%-10s %-5s %10.3f %10.3f %10.0f %8d%n",
                        name, concurrency, s.p50Ms(), s.p99Ms(), s.perSecond(), s.errors())));
    double floorP50 = results.get("floor").get("c1").p50Ms();
    double inProcessP50 = results.get("floor_in_process").get("c1").p50Ms();
    double compositeP50 = results.get("composite").get("c1").p50Ms();
    double budget = 3 * KAFKA_ROUND_TRIPS_PER_CALL * floorP50;
    out.printf(
        "%ncomposite c1 p50 %.3f ms vs 3 x %d raw round trips = %.3f ms: %s"
            + " (%.1fx one raw round trip; %.1fx one in-process round trip)%n",
        compositeP50,
        KAFKA_ROUND_TRIPS_PER_CALL,
        budget,
        compositeP50 <= budget ? "within" : "OVER",
        compositeP50 / floorP50,
        compositeP50 / inProcessP50);
  }

  private static void writeJson(
      Map<String, Map<String, LatencyRecorder.Summary>> results,
      ConnectorBurst.Result connector,
      Path file)
      throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    results.forEach(
        (name, byConcurrency) -> {
          Map<String, Object> phases = new LinkedHashMap<>();
          byConcurrency.forEach(
              (concurrency, s) -> {
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("p50_ms", round(s.p50Ms()));
                figures.put("p99_ms", round(s.p99Ms()));
                figures.put("per_s", round(s.perSecond()));
                figures.put("calls", s.calls());
                figures.put("errors", s.errors());
                phases.put(concurrency, figures);
              });
          json.put(name, phases);
        });
    json.put("kafka_round_trips_per_call", KAFKA_ROUND_TRIPS_PER_CALL);
    Map<String, Object> burst = new LinkedHashMap<>();
    burst.put("per_s", round(connector.perSecond()));
    burst.put("p50_ms", round(connector.p50Ms()));
    burst.put("p99_ms", round(connector.p99Ms()));
    burst.put("commands", connector.commands());
    burst.put("not_succeeded", connector.failed());
    json.put("connector_http", burst);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(
        file,
        JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(json));
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
