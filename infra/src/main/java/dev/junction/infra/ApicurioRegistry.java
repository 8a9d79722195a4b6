package dev.junction.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry (schema registry, in-memory storage) run as a child process from the bundle the
 * build fetched from Maven Central. Both its HTTP and management listeners bind to 127.0.0.1.
 */
public final class ApicurioRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);

  /**
   * How to run the registry.
   *
   * @param name label used in logs
   * @param port HTTP port on 127.0.0.1 (REST APIs)
   * @param managementPort management port on 127.0.0.1 ({@code /health/ready})
   * @param logFile where the registry's output goes
   * @param heapMb maximum heap
   * @param startTimeout how long to wait for readiness
   */
  public record Settings(
      String name, int port, int managementPort, Path logFile, int heapMb, Duration startTimeout) {

    /** A throw-away registry on free ports, logging to a temporary folder. */
    public static Settings forTest(String name) {
      try {
        Path dir = Files.createTempDirectory("junction-apicurio-" + name + "-");
        return new Settings(
            name,
            FreePorts.next(),
            FreePorts.next(),
            dir.resolve("apicurio.log"),
            256,
            Duration.ofSeconds(90));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The path of the v3 REST API under the registry's base URL. */
  public static final String API_PATH = "/apis/registry/v3";

  private final Settings settings;
  private final ChildProcess process;

  private ApicurioRegistry(Settings settings, ChildProcess process) {
    this.settings = settings;
    this.process = process;
  }

  /** Starts the registry and waits until {@code /health/ready} answers UP. */
  public static ApicurioRegistry start(Settings settings) {
    Path dir = InfraPaths.apicurioDir();
    Path runJar = dir.resolve("quarkus-run.jar");
    ClassDataSharing.Plan cds = ClassDataSharing.plan("apicurio", List.of(runJar));
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.javaBinary());
    command.addAll(cds.jvmOptions());
    command.addAll(
        List.of(
            "-Xmx" + settings.heapMb() + "m",
            "-Djava.awt.headless=true",
            "-Dquarkus.http.host=127.0.0.1",
            "-Dquarkus.http.port=" + settings.port(),
            "-Dquarkus.management.host=127.0.0.1",
            "-Dquarkus.management.port=" + settings.managementPort(),
            "-Dquarkus.log.console.json=false",
            "-jar",
            runJar.toString()));
    ChildProcess process =
        ChildProcess.start(
            "apicurio[" + settings.name() + "]", command, dir, Map.of(), settings.logFile());
    process.whenExited(cds::exited);
    ApicurioRegistry registry = new ApicurioRegistry(settings, process);
    try {
      Readiness.await(
          process,
          settings.startTimeout(),
          () -> Readiness.httpOk(registry.managementUrl() + "/health/ready", "UP"));
    } catch (RuntimeException | Error e) { // never leave a half-started registry running
      process.close();
      throw e;
    }
    log.info(
        "Apicurio Registry {} ready at {} (pid {})",
        settings.name(),
        registry.registryUrl(),
        process.pid());
    return registry;
  }

  /**
   * The v3 REST API, the value of {@code apicurio.registry.url} / {@code junction.registry.url}.
   */
  public String registryUrl() {
    return baseUrl() + API_PATH;
  }

  /** The Confluent-compatible API. */
  public String ccompatUrl() {
    return baseUrl() + "/apis/ccompat/v7";
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + settings.port();
  }

  public String managementUrl() {
    return "http://127.0.0.1:" + settings.managementPort();
  }

  public ChildProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
