package dev.junction.standalone.bench;

import dev.junction.infra.ChildProcess;
import dev.junction.standalone.stack.EmbeddedStack;
import dev.junction.standalone.stack.StackSettings;
import dev.junction.standalone.stack.TokenClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The pass-through scenario of {@code bin/junction bench}: {@code GET /bench/v1/hello} through the
 * gateway, a pass-through API with JWT validation and a rate limit per client on its route, proxied
 * to {@link BenchBackend} (a JVM of its own); and, in the same run, the same call straight to that
 * backend (direct). The gateway's catalog is a copy of {@code apis/} plus that API, so the gateway
 * has the sample APIs' routes too. During each measured phase the CPU time of the gateway, the
 * backend and the load generator's JVM is read from the kernel.
 */
final class PassThroughBench implements AutoCloseable {

  static final String API_FILE = "bench-v1.yaml";
  static final String PATH = "/bench/v1/hello";
  static final String BACKEND_PATH = "/hello";
  static final String GATEWAY = "gateway";
  static final String BACKEND = "backend";
  static final String CLIENT = "client";

  /** The rate limit on the route: high enough never to refuse a call of the benchmark. */
  static final long RATE_LIMIT = 1_000_000_000L;

  private final ChildProcess backend;
  private final int backendPort;
  private final Path catalogDir;

  private PassThroughBench(ChildProcess backend, int backendPort, Path catalogDir) {
    this.backend = backend;
    this.backendPort = backendPort;
    this.catalogDir = catalogDir;
  }

  /**
   * Starts the backend and writes the gateway's catalog next to the stack's data folder (which the
   * stack empties when it starts).
   */
  static PassThroughBench start(Path home, StackSettings settings) {
    Path dir = settings.dataDir().toAbsolutePath().getParent();
    // the backend takes a free port itself and says which: no other process can take it meanwhile
    ChildProcess backend =
        Benchmark.startBenchProcess(
            home,
            "bench-backend",
            List.of("bench-backend", "0"),
            dir.resolve("bench-backend.log"),
            BenchBackend.READY);
    try {
      int port = BenchBackend.port(backend.tail(5));
      Path catalog = dir.resolve("apis");
      copyTree(home.resolve("apis"), catalog);
      Files.writeString(catalog.resolve(API_FILE), apiDefinition("http://127.0.0.1:" + port));
      return new PassThroughBench(backend, port, catalog);
    } catch (IOException | RuntimeException e) {
      backend.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** The catalog the stack's gateway must read. */
  Path catalogDir() {
    return catalogDir;
  }

  /** The benchmark's API: a pass-through to {@code backendUrl} with a rate limit per client. */
  static String apiDefinition(String backendUrl) {
    return """
        # Written by bin/junction bench: a pass-through API with JWT validation (every API has it)
        # and a rate limit per client on its route.
        name: bench
        version: v1
        title: Pass-through benchmark
        basePath: /bench/v1
        backend:
          url: %s
        policies:
          rateLimit:
            limit: %d
            window: 1s
            key: client
        operations:
          - id: hello
            method: GET
            path: %s
            scopes: [orders:read]
        """
        .formatted(backendUrl, RATE_LIMIT, BACKEND_PATH);
  }

  /**
   * At each concurrency: warm up through the gateway and directly, then measure direct and then
   * through the gateway, one right after the other.
   */
  void measure(
      EmbeddedStack stack,
      Map<String, Map<String, Benchmark.Phase>> results,
      int[] concurrencies,
      Duration warmup,
      Duration duration,
      PrintStream out)
      throws Exception {
    StackSettings settings = stack.settings();
    String token =
        TokenClient.fetch(
            settings.tokenUrl(),
            StackSettings.SAMPLE_CLIENT_ID,
            settings.clientSecret(),
            StackSettings.SAMPLE_SCOPES);
    Map<String, String> headers = Map.of("Authorization", "Bearer " + token);
    List<ProcessCpu> cpu =
        List.of(
            ProcessCpu.of(GATEWAY, stack.gatewayPid(0)),
            ProcessCpu.of(BACKEND, backend.pid()),
            new ProcessCpu(CLIENT, ProcessHandle.current()));
    Map<String, Benchmark.Phase> direct = new LinkedHashMap<>();
    Map<String, Benchmark.Phase> passthrough = new LinkedHashMap<>();
    try (HttpLoad toBackend =
            new HttpLoad(
                URI.create("http://127.0.0.1:" + backendPort + BACKEND_PATH), headers, 200);
        HttpLoad throughGateway =
            new HttpLoad(URI.create(settings.gatewayUrl(0) + PATH), headers, 200)) {
      for (int concurrency : concurrencies) {
        Benchmark.warmUp("passthrough", throughGateway::run, concurrency, warmup, out);
        Benchmark.warmUp("direct", toBackend::run, concurrency, Benchmark.shorter(warmup), out);
        direct.put(
            "c" + concurrency,
            Benchmark.phase("direct", toBackend::run, concurrency, duration, cpu, out));
        passthrough.put(
            "c" + concurrency,
            Benchmark.phase("passthrough", throughGateway::run, concurrency, duration, cpu, out));
      }
    }
    results.put("direct", direct);
    results.put("passthrough", passthrough);
  }

  @Override
  public void close() {
    backend.close();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }
}
