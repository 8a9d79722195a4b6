package dev.junction.standalone.bench;

import dev.junction.infra.ChildProcess;
import dev.junction.infra.Readiness;
import dev.junction.standalone.JunctionCli;
import dev.junction.standalone.stack.EmbeddedStack;
import dev.junction.standalone.stack.StackSettings;
import dev.junction.standalone.stack.TokenClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * connector step). Then (c) a pass-through API through the gateway against the same backend called
 * directly ({@link PassThroughBench}), and the http-connector's burst ({@link ConnectorBurst}).
 */
public final class Benchmark {
  static final int KAFKA_ROUND_TRIPS_PER_CALL = 3;
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

  /** Closed-loop load at a concurrency for a while, each completed call in the recorder. */
  @FunctionalInterface
  interface Load {
    void run(int concurrency, Duration length, LatencyRecorder recorder) throws Exception;
  }

  /**
   * The figures of one measured phase.
   *
   * @param summary latencies and throughput
   * @param cpuCores per process watched (e.g. {@code gateway}), its CPU time during the phase
   *     divided by the phase's wall-clock time; empty when no process was watched
   */
  record Phase(LatencyRecorder.Summary summary, Map<String, Double> cpuCores) {}

  private Benchmark() {}

  public static int run(Path home, List<String> options, PrintStream out) throws Exception {
    Duration duration =
        Duration.ofSeconds(Long.parseLong(JunctionCli.option(options, "--duration", "10")));
    Duration warmup =
        Duration.ofSeconds(Long.parseLong(JunctionCli.option(options, "--warmup", "60")));
    String jsonFile = JunctionCli.option(options, "--json", null);
    boolean connectorOnly = options.contains("--connector-only");
    boolean passthroughOnly = options.contains("--passthrough-only");
    int[] concurrencies =
        Arrays.stream(JunctionCli.option(options, "--concurrency", "1,64").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    out.println("Starting a stack for the benchmark ...");
    Map<String, Map<String, Phase>> results = new LinkedHashMap<>();
    ConnectorBurst.Result connector = null;
    StackSettings settings = StackSettings.ephemeral(home, "bench", 1);
    try (PassThroughBench passthrough =
            connectorOnly ? null : PassThroughBench.start(home, settings);
        EmbeddedStack stack =
            EmbeddedStack.start(
                settings,
                passthrough == null ? home.resolve("apis") : passthrough.catalogDir(),
                !passthroughOnly)) {
      String bootstrap = stack.bootstrapServers();
      if (!connectorOnly && !passthroughOnly) {
        measureRoundTrips(home, stack, results, concurrencies, warmup, duration, out);
      }
      if (passthrough != null) {
        passthrough.measure(stack, results, concurrencies, warmup, duration, out);
      }
      if (!passthroughOnly) {
        ConnectorBurst burst = new ConnectorBurst(bootstrap, stack.registryUrl());
        out.printf("  connector warm-up burst of %d commands ...%n", CONNECTOR_WARMUP);
        burst.run(CONNECTOR_WARMUP);
        out.printf("  connector burst of %d commands ...%n", CONNECTOR_COMMANDS);
        connector = burst.run(CONNECTOR_COMMANDS);
      }
    }
    report(results, out);
    if (connector != null) {
      out.printf(
          "http-connector: %d commands, %.0f/s, send-to-reply p50 %.3f ms, p99 %.3f ms%n",
          connector.commands(), connector.perSecond(), connector.p50Ms(), connector.p99Ms());
    }
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
      Map<String, Map<String, Phase>> results,
      int[] concurrencies,
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
      results.put("floor", measure("floor", floor::call, concurrencies, warmup, duration, out));
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
    results.put("composite", measure("composite", composite, concurrencies, warmup, duration, out));
  }

  private static Map<String, Phase> measure(
      String name,
      Call call,
      int[] concurrencies,
      Duration warmup,
      Duration duration,
      PrintStream out)
      throws Exception {
    Load load = (concurrency, length, recorder) -> loop(call, concurrency, length, recorder);
    // First a warm-up at the highest concurrency: a single caller makes a few dozen composite
    // calls a second, too few for the JIT of six JVMs to compile the path within a warm-up. Then
    // each concurrency has its own warm-up before it is measured.
    int highest = Arrays.stream(concurrencies).max().orElse(1);
    if (highest > 1) {
      warmUp(name, load, highest, warmup, out);
    }
    Map<String, Phase> byConcurrency = new LinkedHashMap<>();
    for (int concurrency : concurrencies) {
      warmUp(name, load, concurrency, warmup, out);
      byConcurrency.put(
          "c" + concurrency, phase(name, load, concurrency, duration, List.of(), out));
    }
    return byConcurrency;
  }

  /** Warms every JVM on the path (JIT, connection pools, caches) at the concurrency measured. */
  static void warmUp(String name, Load load, int concurrency, Duration warmup, PrintStream out)
      throws Exception {
    out.printf("  %-11s c=%-3d warm-up %ds ...%n", name, concurrency, warmup.toSeconds());
    load.run(concurrency, warmup, new LatencyRecorder(concurrency, 1 << 16));
  }

  /** One measured phase, with the CPU time each process of {@code cpu} used during it. */
  static Phase phase(
      String name,
      Load load,
      int concurrency,
      Duration duration,
      List<ProcessCpu> cpu,
      PrintStream out)
      throws Exception {
    out.printf("  %-11s c=%-3d measuring %ds ...%n", name, concurrency, duration.toSeconds());
    LatencyRecorder recorder = new LatencyRecorder(concurrency, 1 << 20);
    List<Duration> before = cpu.stream().map(ProcessCpu::used).toList();
    long started = System.nanoTime();
    load.run(concurrency, duration, recorder);
    long wall = System.nanoTime() - started;
    Map<String, Double> cores = new LinkedHashMap<>();
    for (int i = 0; i < cpu.size(); i++) {
      cores.put(cpu.get(i).name(), ProcessCpu.cores(before.get(i), cpu.get(i).used(), wall));
    }
    LatencyRecorder.Summary summary = recorder.summarise(wall / 1e9);
    if (summary.errors() > 0) {
      out.printf("  %-11s c=%-3d %d calls failed%n", name, concurrency, summary.errors());
    }
    return new Phase(summary, cores);
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
    return startBenchProcess(
        home,
        "bench-echo",
        List.of("bench-echo", stack.bootstrapServers(), requests, replies),
        stack.settings().logDir().resolve("bench-echo.log"),
        ECHO_READY);
  }

  /**
   * {@code bin/junction ARGS} as a JVM of its own (small heap, serial GC, like the services), once
   * it printed {@code ready}.
   */
  static ChildProcess startBenchProcess(
      Path home, String name, List<String> args, Path logFile, String ready) {
    Path jar = home.resolve("standalone/target/standalone-exec.jar");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            ChildProcess.javaBinary(),
            "-Xmx128m",
            "-XX:+UseSerialGC",
            "-Djunction.home=" + home,
            "-jar",
            jar.toString()));
    command.addAll(args);
    ChildProcess process = ChildProcess.start(name, command, home, Map.of(), logFile);
    try {
      Readiness.await(process, Duration.ofSeconds(60), () -> process.tail(5).contains(ready));
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    return process;
  }

  /** {@code bench-backend PORT}: the pass-through scenario's backend, run as its own JVM. */
  public static int backend(List<String> options, PrintStream out) throws InterruptedException {
    if (options.size() != 1) {
      throw new IllegalArgumentException("usage: bench-backend PORT");
    }
    try (BenchBackend backend =
        BenchBackend.start(InetAddress.getLoopbackAddress(), Integer.parseInt(options.get(0)))) {
      out.println(BenchBackend.READY + backend.port());
      backend.join();
    }
    return 0;
  }

  static Duration shorter(Duration warmup) {
    return warmup.compareTo(Duration.ofSeconds(20)) > 0 ? Duration.ofSeconds(20) : warmup;
  }

  private static void report(Map<String, Map<String, Phase>> results, PrintStream out) {
    out.println();
    out.printf(
        "%-17s %-5s %10s %10s %10s %8s  %s%n",
        "measure", "conc", "p50 ms", "p99 ms", "per s", "errors", "CPU cores");
    results.forEach(
        (name, byConcurrency) ->
            byConcurrency.forEach(
                (concurrency, phase) -> {
                  LatencyRecorder.Summary s = phase.summary();
                  StringBuilder cores = new StringBuilder();
                  phase
                      .cpuCores()
                      .forEach(
                          (process, used) ->
                              cores.append(String.format(" %s %.3f", process, used)));
                  out.printf(
                      "%-17s %-5s %10.3f %10.3f %10.0f %8d %s%n",
                      name, concurrency, s.p50Ms(), s.p99Ms(), s.perSecond(), s.errors(), cores);
                }));
    if (results.containsKey("composite") && results.get("composite").containsKey("c1")) {
      double floorP50 = results.get("floor").get("c1").summary().p50Ms();
      double inProcessP50 = results.get("floor_in_process").get("c1").summary().p50Ms();
      double compositeP50 = results.get("composite").get("c1").summary().p50Ms();
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
    if (PassThroughTargets.measured(results)) {
      out.println();
      out.print(PassThroughTargets.of(results).report());
    }
  }

  private static void writeJson(
      Map<String, Map<String, Phase>> results, ConnectorBurst.Result connector, Path file)
      throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(
        file,
        JsonMapper.builder()
            .build()
            .writerWithDefaultPrettyPrinter()
            .writeValueAsString(json(results, connector)));
  }

  /**
   * What {@code --json} writes: per measure and concurrency {@code p50_ms}, {@code p99_ms}, {@code
   * per_s}, {@code calls}, {@code errors} and, where processes were watched, {@code
   * <process>_cpu_cores}; the pass-through targets; the connector burst.
   */
  static Map<String, Object> json(
      Map<String, Map<String, Phase>> results, ConnectorBurst.Result connector) {
    Map<String, Object> json = new LinkedHashMap<>();
    results.forEach(
        (name, byConcurrency) -> {
          Map<String, Object> phases = new LinkedHashMap<>();
          byConcurrency.forEach(
              (concurrency, phase) -> {
                LatencyRecorder.Summary s = phase.summary();
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("p50_ms", round(s.p50Ms()));
                figures.put("p99_ms", round(s.p99Ms()));
                figures.put("per_s", round(s.perSecond()));
                figures.put("calls", s.calls());
                figures.put("errors", s.errors());
                phase
                    .cpuCores()
                    .forEach((process, cores) -> figures.put(process + "_cpu_cores", round(cores)));
                phases.put(concurrency, figures);
              });
          json.put(name, phases);
        });
    if (results.containsKey("composite")) {
      json.put("kafka_round_trips_per_call", KAFKA_ROUND_TRIPS_PER_CALL);
    }
    if (PassThroughTargets.measured(results)) {
      json.put("passthrough_targets", PassThroughTargets.of(results).json());
    }
    if (connector != null) {
      Map<String, Object> burst = new LinkedHashMap<>();
      burst.put("per_s", round(connector.perSecond()));
      burst.put("p50_ms", round(connector.p50Ms()));
      burst.put("p99_ms", round(connector.p99Ms()));
      burst.put("commands", connector.commands());
      burst.put("not_succeeded", connector.failed());
      json.put("connector_http", burst);
    }
    return json;
  }

  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
