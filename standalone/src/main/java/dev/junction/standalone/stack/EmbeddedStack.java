package dev.junction.standalone.stack;

import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.ChildProcess;
import dev.junction.infra.InfraException;
import dev.junction.infra.KafkaBroker;
import dev.junction.standalone.backend.SampleBackend;
import dev.junction.standalone.issuer.DevIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default: a KRaft broker and Apicurio Registry as child processes, the dev OAuth2
 * issuer and the sample backend in this JVM, then the orchestrator, the http-connector and the
 * gateway(s) as child JVMs. {@link #close()} stops the services together, then the rest in reverse
 * order.
 */
public final class EmbeddedStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);

  /**
   * How long the broker and the registry may take to start: on two cores shared with builds,
   * Apicurio took more than 90 s.
   */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final StackSettings settings;
  private final Path catalogDir;
  private final boolean workflowServices;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final List<ChildProcess> gateways = new ArrayList<>();
  private KafkaBroker kafka;
  private ApicurioRegistry registry;

  private EmbeddedStack(StackSettings settings, Path catalogDir, boolean workflowServices) {
    this.settings = settings;
    this.catalogDir = catalogDir;
    this.workflowServices = workflowServices;
  }

  /** Starts the whole stack and returns once every gateway reports ready. */
  public static EmbeddedStack start(StackSettings settings) {
    return start(settings, settings.catalogDir(), true);
  }

  /**
   * Starts the stack with the gateways reading their API catalog from {@code catalogDir} (rather
   * than {@code apis/} of the checkout) and returns once every gateway reports ready.
   *
   * @param workflowServices whether to start the orchestrator and the http-connector: without them
   *     composite APIs cannot answer, pass-through APIs and mocks can
   */
  public static EmbeddedStack start(
      StackSettings settings, Path catalogDir, boolean workflowServices) {
    EmbeddedStack stack = new EmbeddedStack(settings, catalogDir, workflowServices);
    try {
      stack.startAll();
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll() {
    prepareDataDir();
    // Threads made here inherit this thread's context class loader, which Kafka's clients need to
    // load their classes inside the launcher's jar (the common fork-join pool's threads do not).
    ExecutorService starters =
        Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("junction-start-", 0).factory());
    CompletableFuture<KafkaBroker> kafkaStart =
        CompletableFuture.supplyAsync(() -> KafkaBroker.start(kafkaSettings()), starters);
    CompletableFuture<ApicurioRegistry> registryStart =
        CompletableFuture.supplyAsync(() -> ApicurioRegistry.start(registrySettings()), starters);
    starters.shutdown();
    try {
      keep(startIssuer());
      keep(SampleBackend.start(settings.backendPort()));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the sample backend", e);
    } finally {
      CompletableFuture.allOf(kafkaStart, registryStart).exceptionally(failure -> null).join();
      // whichever of the two started, close() stops it, even if the other failed
      for (CompletableFuture<? extends AutoCloseable> start : List.of(kafkaStart, registryStart)) {
        if (!start.isCompletedExceptionally()) {
          keep(start.join());
        }
      }
    }
    kafka = join(kafkaStart);
    registry = join(registryStart);
    if (workflowServices) {
      startWorkflowServices();
    }
    for (int i = 0; i < settings.gatewayPorts().size(); i++) {
      startGateway(i, settings.gatewayPorts().get(i));
    }
  }

  private void startWorkflowServices() {
    ChildProcess orchestrator =
        startService(
            "orchestrator", "orchestrator", settings.orchestratorPort(), orchestratorSettings());
    ChildProcess connector =
        startService(
            "http-connector",
            "connector-services/http-connector",
            settings.connectorPort(),
            connectorSettings());
    ServiceProcess.awaitReady(orchestrator, settings.orchestratorPort());
    ServiceProcess.awaitReady(connector, settings.connectorPort());
  }

  /**
   * Starts the gateway instance owning reply partition {@code instanceIndex} and waits for it. The
   * embedded default runs one; tests and {@code --gateways N} run more.
   */
  private void startGateway(int instanceIndex, int port) {
    ChildProcess gateway =
        startService(
            "api-gateway-" + instanceIndex, "api-gateway", port, gatewaySettings(instanceIndex));
    synchronized (this) {
      gateways.add(gateway);
    }
    if (settings.gatewayTls() == null) {
      ServiceProcess.awaitReady(gateway, port);
    } else {
      ServiceProcess.awaitReady(
          gateway, settings.gatewayUrl(instanceIndex), settings.security().httpClient());
    }
  }

  private ChildProcess startService(
      String name, String module, int port, Map<String, String> serviceSettings) {
    String artifactId = Path.of(module).getFileName().toString();
    ChildProcess process =
        ServiceProcess.start(
            name,
            ServiceProcess.jar(settings.home(), module, artifactId),
            port,
            ServiceSettings.arguments(serviceSettings),
            settings.logDir(),
            settings.home());
    keep(process);
    log.info("Started {} (pid {}), waiting for readiness on port {}", name, process.pid(), port);
    return process;
  }

  private ServiceSettings.Endpoints endpoints() {
    return new ServiceSettings.Endpoints(
        kafka.bootstrapServers(),
        registry.registryUrl(),
        settings.issuerUrl(),
        settings.jwkSetUrl(),
        "http://127.0.0.1:" + settings.orchestratorPort(),
        "http://127.0.0.1:" + settings.backendPort(),
        settings.security() == null ? null : settings.security().services());
  }

  private Map<String, String> orchestratorSettings() {
    return ServiceSettings.orchestrator(
        endpoints(),
        "orchestrator-0",
        "127.0.0.1",
        settings.workflowsDir().toString(),
        settings.dataDir().resolve("orchestrator-state").toString());
  }

  private Map<String, String> connectorSettings() {
    return ServiceSettings.httpConnector(endpoints());
  }

  private Map<String, String> gatewaySettings(int instanceIndex) {
    return ServiceSettings.gateway(
        endpoints(), instanceIndex, catalogDir.toString(), settings.gatewayTls());
  }

  private AutoCloseable startIssuer() {
    ConfigurableApplicationContext context =
        startIssuer(settings.issuerPort(), settings.keyFile(), settings.clientSecret());
    log.info("Dev OAuth2 issuer ready at {}", settings.issuerUrl());
    return context::close;
  }

  /**
   * The dev issuer of a stack in this JVM: the sample client with the sample and operator scopes
   * (runs and subscriptions), tokens for the gateway's audience.
   */
  public static ConfigurableApplicationContext startIssuer(
      int port, Path keyFile, String clientSecret) {
    return DevIssuer.start(
        port,
        keyFile,
        StackSettings.SAMPLE_CLIENT_ID,
        clientSecret,
        String.join(
            " ",
            StackSettings.SAMPLE_SCOPES,
            StackSettings.OPERATOR_SCOPE,
            StackSettings.SUBSCRIPTIONS_OPERATOR_SCOPE),
        StackSettings.GATEWAY_AUDIENCE);
  }

  private KafkaBroker.Settings kafkaSettings() {
    return kafkaSettings(settings, settings.dataDir().resolve("kafka"), "kafka.log");
  }

  /** The broker of a stack, on SASL_SSL when the stack has {@link StackSecurity}. */
  static KafkaBroker.Settings kafkaSettings(StackSettings settings, Path dataDir, String logFile) {
    return new KafkaBroker.Settings(
            "junction",
            dataDir,
            settings.kafkaPort(),
            settings.kafkaControllerPort(),
            settings.logDir().resolve(logFile),
            512,
            START_TIMEOUT)
        .withSaslSsl(settings.security() == null ? null : settings.security().kafka());
  }

  private ApicurioRegistry.Settings registrySettings() {
    return new ApicurioRegistry.Settings(
        "junction",
        settings.registryPort(),
        settings.registryManagementPort(),
        settings.logDir().resolve("apicurio.log"),
        256,
        START_TIMEOUT);
  }

  private void prepareDataDir() {
    try {
      if (Files.exists(settings.dataDir())) {
        try (var paths = Files.walk(settings.dataDir())) {
          paths
              .sorted(java.util.Comparator.reverseOrder())
              .forEach(
                  path -> {
                    try {
                      Files.delete(path);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
        }
      }
      Files.createDirectories(settings.logDir());
    } catch (IOException | UncheckedIOException e) {
      throw new InfraException("Cannot prepare the data folder " + settings.dataDir(), e);
    }
  }

  private synchronized void keep(AutoCloseable part) {
    started.push(part);
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  public StackSettings settings() {
    return settings;
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registry.registryUrl();
  }

  /** The process of gateway instance {@code instance}, e.g. to read its CPU time. */
  public synchronized long gatewayPid(int instance) {
    return gateways.get(instance).pid();
  }

  /** Every process of the stack that runs outside this JVM, to check nothing is left behind. */
  public synchronized List<Long> childPids() {
    List<Long> pids = new ArrayList<>();
    for (AutoCloseable part : started) {
      if (part instanceof ChildProcess process) {
        pids.add(process.pid());
      } else if (part instanceof KafkaBroker broker) {
        pids.add(broker.process().pid());
      } else if (part instanceof ApicurioRegistry apicurio) {
        pids.add(apicurio.process().pid());
      }
    }
    return pids;
  }

  /**
   * Stops every part: the services (gateways, orchestrator, http-connector) together, since each
   * JVM takes seconds to stop; then the rest newest first, the broker last.
   */
  @Override
  public synchronized void close() {
    List<AutoCloseable> services = started.stream().filter(ChildProcess.class::isInstance).toList();
    started.removeAll(services);
    // close() waits for every stop; the broker must outlive the services' shutdown
    try (ExecutorService stopping =
        Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("junction-stop-", 0).factory())) {
      services.forEach(service -> stopping.execute(() -> stop(service)));
    }
    while (!started.isEmpty()) {
      stop(started.pop());
    }
  }

  private static void stop(AutoCloseable part) {
    try {
      part.close();
    } catch (Exception e) { // stopping must go on for the other parts; report each failure
      log.warn("Could not stop {}: {}", part, e.toString());
    }
  }
}
