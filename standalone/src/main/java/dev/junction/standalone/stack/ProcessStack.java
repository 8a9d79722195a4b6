package dev.junction.standalone.stack;

import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.ChildProcess;
import dev.junction.infra.FreePorts;
import dev.junction.infra.InfraException;
import dev.junction.infra.KafkaBroker;
import dev.junction.infra.KeycloakServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process stack ({@code bin/junction up --processes}): a KRaft broker, Apicurio Registry, the
 * dev issuer or Keycloak, the sample backend and each Junction service as a JVM of its own, which
 * outlive the command that started them. Each part logs to {@code <dir>/logs/<name>.log} and has
 * its PID in {@code <dir>/pids/<name>.pid}; {@link #stop(Path)} ({@code bin/junction down}) stops
 * them all. Services get their settings as environment variables, the same ones {@code
 * docker-compose.yml} gives them.
 */
public final class ProcessStack {

  private static final Logger log = LoggerFactory.getLogger(ProcessStack.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final String KAFKA = "kafka";
  private static final String REGISTRY = "apicurio";
  private static final String ISSUER = "dev-issuer";
  private static final String KEYCLOAK = "keycloak";
  private static final String BACKEND = "sample-backend";
  private static final String CONNECTOR = "http-connector";

  /**
   * Where and on which ports the process stack runs.
   *
   * @param stack ports of the broker, registry, issuer, backend, http-connector and gateways; its
   *     {@code dataDir} holds the broker's data, the orchestrators' state, logs and PIDs
   * @param orchestratorPorts one port per orchestrator instance
   * @param tracing the services' tracing settings ({@link ServiceSettings#tracing}); empty: what
   *     the environment says (by default no export, so nothing recorded)
   */
  public record Settings(
      StackSettings stack, List<Integer> orchestratorPorts, Map<String, String> tracing) {

    public Settings(StackSettings stack, List<Integer> orchestratorPorts) {
      this(stack, orchestratorPorts, Map.of());
    }

    /** The same stack with its tokens from {@code provider}. */
    public Settings withIdentityProvider(IdentityProvider provider) {
      return new Settings(stack.withIdentityProvider(provider), orchestratorPorts, tracing);
    }

    /** The same stack, every service exporting its spans to {@code otlpEndpoint}. */
    public Settings withTracing(String otlpEndpoint, double samplingProbability) {
      return new Settings(
          stack, orchestratorPorts, ServiceSettings.tracing(otlpEndpoint, samplingProbability));
    }

    /**
     * The documented ports (gateway 8080, orchestrator 8081, ...; further gateways 8090 + i,
     * further orchestrators 8085 + i), data in {@code .junction/processes}. They are the embedded
     * stack's ports: only one of the two runs at a time.
     */
    public static Settings defaults(Path home, int gateways, int orchestrators) {
      StackSettings stack =
          StackSettings.defaults(home, gateways)
              .withDataDir(home.resolve(".junction").resolve("processes"));
      return new Settings(
          stack,
          IntStream.range(0, orchestrators)
              .mapToObj(i -> i == 0 ? stack.orchestratorPort() : 8085 + i)
              .toList());
    }

    /** A stack on free ports with its data in a new temporary folder, for tests. */
    public static Settings ephemeral(Path home, String name, int gateways, int orchestrators) {
      StackSettings stack = StackSettings.ephemeral(home, name, gateways);
      return new Settings(
          stack,
          IntStream.range(0, orchestrators)
              .mapToObj(i -> i == 0 ? stack.orchestratorPort() : FreePorts.next())
              .toList());
    }

    public Path pidDir() {
      return stack.dataDir().resolve("pids");
    }

    public String orchestratorUrl(int instance) {
      return "http://127.0.0.1:" + orchestratorPorts.get(instance);
    }

    String bootstrapServers() {
      return "127.0.0.1:" + stack.kafkaPort();
    }

    String registryUrl() {
      return "http://127.0.0.1:" + stack.registryPort() + ApicurioRegistry.API_PATH;
    }

    String backendUrl() {
      return "http://127.0.0.1:" + stack.backendPort();
    }

    ServiceSettings.Endpoints endpoints() {
      return new ServiceSettings.Endpoints(
          bootstrapServers(),
          registryUrl(),
          stack.issuerUrl(),
          stack.jwkSetUrl(),
          orchestratorUrl(0),
          backendUrl(),
          stack.security() == null ? null : stack.security().services());
    }

    List<Integer> ports() {
      List<Integer> ports =
          new ArrayList<>(
              List.of(
                  stack.kafkaPort(),
                  stack.kafkaControllerPort(),
                  stack.registryPort(),
                  stack.registryManagementPort(),
                  stack.issuerPort(),
                  stack.backendPort(),
                  stack.connectorPort()));
      ports.addAll(orchestratorPorts);
      ports.addAll(stack.gatewayPorts());
      return ports;
    }
  }

  private final Settings settings;
  private final Map<String, Supplier<ChildProcess>> starters = new LinkedHashMap<>();
  private final Map<String, ChildProcess> running = new LinkedHashMap<>();

  private ProcessStack(Settings settings) {
    this.settings = settings;
  }

  /**
   * Starts every part, waits until each is ready and returns; the parts go on running after this
   * JVM ends. Refuses when a stack with the same folder runs or a port is taken. When a part fails
   * to start, the parts already started are stopped.
   */
  public static ProcessStack start(Settings settings) {
    requireNotRunning(settings.pidDir());
    requireFreePorts(settings.ports());
    ProcessStack stack = new ProcessStack(settings);
    try {
      stack.prepareDataDir();
      stack.startAll();
      return stack;
    } catch (RuntimeException e) {
      stop(settings.pidDir());
      throw e;
    }
  }

  private void startAll() {
    StackSettings s = settings.stack();
    define(KAFKA, this::startKafka);
    define(REGISTRY, this::startRegistry);
    String issuer = s.identityProvider() == IdentityProvider.KEYCLOAK ? KEYCLOAK : ISSUER;
    define(issuer, issuer.equals(KEYCLOAK) ? this::startKeycloak : this::startIssuer);
    define(BACKEND, this::startBackend);
    List<String> orchestrators = new ArrayList<>();
    for (int i = 0; i < settings.orchestratorPorts().size(); i++) {
      int instance = i;
      orchestrators.add(define("orchestrator-" + i, () -> startOrchestrator(instance)));
    }
    define(
        CONNECTOR,
        () ->
            startService(
                CONNECTOR,
                "connector-services/http-connector",
                s.connectorPort(),
                ServiceSettings.httpConnector(settings.endpoints())));
    List<String> gateways = new ArrayList<>();
    for (int i = 0; i < s.gatewayPorts().size(); i++) {
      int instance = i;
      gateways.add(define("api-gateway-" + i, () -> startGateway(instance)));
    }
    // Each part waits only for what it needs: the services for the broker and the registry, the
    // gateways also for the issuer's keys and the services. Keycloak's long start overlaps theirs.
    // Platform threads inherit their creator's context class loader, which Kafka's clients need to
    // load their classes inside the launcher's jar (the common fork-join pool's threads do not).
    ExecutorService starting =
        Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("junction-start-", 0).factory());
    try {
      CompletableFuture<Void> brokerAndRegistry = startTogether(List.of(KAFKA, REGISTRY), starting);
      CompletableFuture<Void> issuerAndBackend = startTogether(List.of(issuer, BACKEND), starting);
      CompletableFuture<Void> services =
          brokerAndRegistry.thenCompose(
              done ->
                  startTogether(
                      Stream.concat(orchestrators.stream(), Stream.of(CONNECTOR)).toList(),
                      starting));
      // the first gateway creates its topics alone; the others find them
      CompletableFuture<Void> gatewaysStarted =
          CompletableFuture.allOf(services, issuerAndBackend)
              .thenCompose(done -> startTogether(gateways.subList(0, 1), starting))
              .thenCompose(done -> startTogether(gateways.subList(1, gateways.size()), starting));
      awaitAll(List.of(brokerAndRegistry, issuerAndBackend, services, gatewaysStarted));
    } finally {
      starting.shutdown();
    }
  }

  private String define(String name, Supplier<ChildProcess> starter) {
    starters.put(name, starter);
    return name;
  }

  /** Starts the parts at once; done when each has started or failed. */
  private CompletableFuture<Void> startTogether(List<String> names, ExecutorService starting) {
    return CompletableFuture.allOf(
        names.stream()
            .map(name -> CompletableFuture.runAsync(() -> startPart(name), starting))
            .toArray(CompletableFuture[]::new));
  }

  /**
   * Waits until every group has started or failed (so that no part is still starting when a failure
   * stops the others), then throws the first failure.
   */
  private static void awaitAll(List<CompletableFuture<Void>> groups) {
    RuntimeException first = null;
    for (CompletableFuture<Void> group : groups) {
      Throwable failure = group.handle((done, error) -> error).join();
      while (failure instanceof CompletionException && failure.getCause() != null) {
        failure = failure.getCause();
      }
      if (first == null && failure != null) {
        first =
            failure instanceof RuntimeException runtime
                ? runtime
                : new CompletionException(failure);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void startPart(String name) {
    ChildProcess process = starters.get(name).get();
    synchronized (running) {
      running.put(name, process);
    }
    log.info("{} ready (pid {})", name, process.pid());
  }

  private ChildProcess startKafka() {
    StackSettings s = settings.stack();
    KafkaBroker broker =
        KafkaBroker.start(
            EmbeddedStack.kafkaSettings(s, s.dataDir().resolve("kafka"), KAFKA + ".log"));
    return recorded(KAFKA, broker.process());
  }

  private ChildProcess startRegistry() {
    StackSettings s = settings.stack();
    ApicurioRegistry registry =
        ApicurioRegistry.start(
            new ApicurioRegistry.Settings(
                "junction",
                s.registryPort(),
                s.registryManagementPort(),
                s.logDir().resolve(REGISTRY + ".log"),
                256,
                Duration.ofSeconds(90)));
    return recorded(REGISTRY, registry.process());
  }

  private ChildProcess startIssuer() {
    StackSettings s = settings.stack();
    ChildProcess issuer =
        recorded(
            ISSUER,
            ServiceProcess.startJar(
                ISSUER,
                launcherJar(),
                256,
                List.of(
                    "dev-issuer",
                    "--port",
                    Integer.toString(s.issuerPort()),
                    "--key-file",
                    s.keyFile().toString()),
                Map.of("JUNCTION_SAMPLE_CLIENT_SECRET", s.clientSecret()),
                s.logDir(),
                s.home()));
    ServiceProcess.awaitHttp(issuer, s.jwkSetUrl(), "keys");
    return issuer;
  }

  /**
   * Keycloak with the compose stack's realm ({@code deploy/keycloak/junction-realm.json}): the
   * sample client's secret is the stack's; the realm's other clients (registry, Prometheus) get
   * random secrets, as nothing in the process stack uses them.
   */
  private ChildProcess startKeycloak() {
    StackSettings s = settings.stack();
    KeycloakServer keycloak =
        KeycloakServer.start(
            new KeycloakServer.Settings(
                IdentityProvider.KEYCLOAK_REALM,
                s.issuerPort(),
                FreePorts.next(),
                s.home().resolve("deploy").resolve("keycloak").resolve("junction-realm.json"),
                IdentityProvider.KEYCLOAK_REALM,
                Map.of(
                    "JUNCTION_SAMPLE_CLIENT_SECRET", s.clientSecret(),
                    "JUNCTION_REGISTRY_CLIENT_SECRET", randomSecret(),
                    "JUNCTION_PROMETHEUS_CLIENT_SECRET", randomSecret()),
                s.dataDir().resolve(KEYCLOAK),
                s.logDir().resolve(KEYCLOAK + ".log"),
                512,
                Duration.ofSeconds(180)));
    return recorded(KEYCLOAK, keycloak.process());
  }

  private static String randomSecret() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private ChildProcess startBackend() {
    StackSettings s = settings.stack();
    ChildProcess backend =
        recorded(
            BACKEND,
            ServiceProcess.startJar(
                BACKEND,
                launcherJar(),
                128,
                List.of("sample-backend", "--port", Integer.toString(s.backendPort())),
                Map.of(),
                s.logDir(),
                s.home()));
    ServiceProcess.awaitHttp(backend, settings.backendUrl() + "/health", "UP");
    return backend;
  }

  private ChildProcess startOrchestrator(int instance) {
    StackSettings s = settings.stack();
    String name = "orchestrator-" + instance;
    return startService(
        name,
        "orchestrator",
        settings.orchestratorPorts().get(instance),
        ServiceSettings.orchestrator(
            settings.endpoints(),
            name,
            "127.0.0.1",
            s.workflowsDir().toString(),
            s.dataDir().resolve(name + "-state").toString()));
  }

  private ChildProcess startGateway(int instance) {
    StackSettings s = settings.stack();
    return startService(
        "api-gateway-" + instance,
        "api-gateway",
        s.gatewayPorts().get(instance),
        ServiceSettings.gateway(
            settings.endpoints(), instance, s.catalogDir().toString(), s.gatewayTls()));
  }

  private ChildProcess startService(
      String name, String module, int port, Map<String, String> serviceSettings) {
    StackSettings s = settings.stack();
    Map<String, String> all = new LinkedHashMap<>(serviceSettings);
    all.putAll(settings.tracing());
    ChildProcess process =
        recorded(
            name,
            ServiceProcess.start(
                name,
                ServiceProcess.jar(s.home(), module, Path.of(module).getFileName().toString()),
                port,
                List.of(),
                ServiceSettings.environment(all),
                s.logDir(),
                s.home()));
    if (serviceSettings.containsKey(ServiceSettings.SERVER_SSL_BUNDLE)) {
      ServiceProcess.awaitReady(process, "https://127.0.0.1:" + port, s.security().httpClient());
    } else {
      ServiceProcess.awaitReady(process, port);
    }
    return process;
  }

  private Path launcherJar() {
    return ServiceProcess.jar(settings.stack().home(), "standalone", "standalone");
  }

  /** Writes the PID file as soon as the process exists, so that a stop finds it. */
  private ChildProcess recorded(String name, ChildProcess process) {
    ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
    String started = handle.info().startInstant().map(Instant::toString).orElse("-");
    try {
      Files.writeString(
          settings.pidDir().resolve(name + ".pid"),
          process.pid() + "\n" + started + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      process.close();
      throw new InfraException("Cannot write the PID file of " + name, e);
    }
    return process;
  }

  private void prepareDataDir() {
    Path dir = settings.stack().dataDir();
    try {
      if (Files.exists(dir)) {
        // fresh broker data: the registry keeps schemas in memory, so records written under an
        // earlier registry's ids would not be readable
        try (Stream<Path> paths = Files.walk(dir)) {
          for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
      Files.createDirectories(settings.pidDir());
      Files.createDirectories(settings.stack().logDir());
    } catch (IOException e) {
      throw new InfraException("Cannot prepare the data folder " + dir, e);
    }
  }

  public Settings settings() {
    return settings;
  }

  /** The parts, in start order: {@code kafka}, {@code apicurio}, ..., {@code api-gateway-0}. */
  public List<String> names() {
    return List.copyOf(starters.keySet());
  }

  /** The process of a part, e.g. to kill it in a fault test. */
  public ProcessHandle process(String name) {
    ChildProcess process;
    synchronized (running) {
      process = running.get(name);
    }
    if (process == null) {
      throw new IllegalArgumentException("No part " + name + "; the parts are " + names());
    }
    return ProcessHandle.of(process.pid())
        .orElseThrow(() -> new IllegalStateException(name + " is not running"));
  }

  /**
   * Stops a part (if it still runs) and starts it again with the same settings, its data kept;
   * returns once it is ready.
   */
  public void restart(String name) {
    Supplier<ChildProcess> starter = starters.get(name);
    if (starter == null) {
      throw new IllegalArgumentException("No part " + name + "; the parts are " + names());
    }
    ChildProcess old;
    synchronized (running) {
      old = running.remove(name);
    }
    if (old != null) {
      old.close();
    }
    startPart(name);
  }

  /**
   * Stops every process named in {@code pidDir} ({@code bin/junction down}): the services first,
   * then the registry, then the broker; SIGTERM, then SIGKILL for what outlives the grace period. A
   * PID whose process started at another instant than recorded belongs to someone else now and is
   * left alone.
   *
   * @return the names of the parts that were running
   */
  public static List<String> stop(Path pidDir) {
    Map<String, ProcessHandle> live = new LinkedHashMap<>();
    for (Map.Entry<String, Path> file : pidFiles(pidDir).entrySet()) {
      liveProcess(file.getValue()).ifPresent(handle -> live.put(file.getKey(), handle));
    }
    List<String> last = List.of(REGISTRY, KAFKA);
    stopAll(
        live.entrySet().stream()
            .filter(e -> !last.contains(e.getKey()))
            .map(Map.Entry::getValue)
            .toList());
    for (String name : last) {
      Optional.ofNullable(live.get(name)).ifPresent(handle -> stopAll(List.of(handle)));
    }
    pidFiles(pidDir)
        .values()
        .forEach(
            file -> {
              try {
                Files.deleteIfExists(file);
              } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete " + file, e);
              }
            });
    return List.copyOf(live.keySet());
  }

  private static void stopAll(List<ProcessHandle> handles) {
    handles.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle handle : handles) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        handle.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        log.warn("pid {} did not stop within {}; killing it", handle.pid(), STOP_GRACE);
        handle.destroyForcibly();
        handle.onExit().orTimeout(STOP_GRACE.toSeconds(), TimeUnit.SECONDS).join();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new InfraException("Waiting for pid " + handle.pid() + " failed", e);
      } catch (InterruptedException e) {
        handle.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new InfraException("Interrupted while stopping pid " + handle.pid(), e);
      }
    }
  }

  /** Part name to PID file, for every {@code *.pid} in {@code pidDir}. */
  private static Map<String, Path> pidFiles(Path pidDir) {
    if (!Files.isDirectory(pidDir)) {
      return Map.of();
    }
    try (Stream<Path> files = Files.list(pidDir)) {
      Map<String, Path> byName = new LinkedHashMap<>();
      files
          .filter(f -> f.getFileName().toString().endsWith(".pid"))
          .sorted()
          .forEach(f -> byName.put(f.getFileName().toString().replaceFirst("\\.pid$", ""), f));
      return byName;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + pidDir, e);
    }
  }

  /** The process a PID file names, if it still runs and is the one that was started. */
  static Optional<ProcessHandle> liveProcess(Path pidFile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty(); // removed meanwhile
    }
    if (lines.isEmpty() || !lines.getFirst().strip().matches("\\d+")) {
      return Optional.empty();
    }
    String recordedStart = lines.size() > 1 ? lines.get(1).strip() : "-";
    return ProcessHandle.of(Long.parseLong(lines.getFirst().strip()))
        .filter(ProcessHandle::isAlive)
        .filter(
            handle ->
                recordedStart.equals("-")
                    || handle
                        .info()
                        .startInstant()
                        .map(Instant::toString)
                        .map(recordedStart::equals)
                        .orElse(true));
  }

  /**
   * The identity provider of the default process stack ({@code bin/junction up --processes}) when
   * it runs Keycloak, else the dev issuer: the one {@code bin/junction token} asks.
   */
  public static IdentityProvider defaultStackIdentityProvider(Path home) {
    Path pidFile = Settings.defaults(home, 1, 1).pidDir().resolve(KEYCLOAK + ".pid");
    return Files.isRegularFile(pidFile) && liveProcess(pidFile).isPresent()
        ? IdentityProvider.KEYCLOAK
        : IdentityProvider.DEV;
  }

  private static void requireNotRunning(Path pidDir) {
    List<String> alive =
        pidFiles(pidDir).entrySet().stream()
            .filter(e -> liveProcess(e.getValue()).isPresent())
            .map(Map.Entry::getKey)
            .toList();
    if (!alive.isEmpty()) {
      throw new InfraException(
          "A process stack is running already ("
              + String.join(", ", alive)
              + "; PIDs in "
              + pidDir
              + "): stop it first with bin/junction down");
    }
  }

  private static void requireFreePorts(List<Integer> ports) {
    List<Integer> busy = ports.stream().filter(port -> !isFree(port)).toList();
    if (!busy.isEmpty()) {
      throw new InfraException(
          "Ports "
              + busy
              + " on 127.0.0.1 are in use (is `bin/junction up` or another stack running?)");
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
