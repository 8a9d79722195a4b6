package dev.junction.standalone.stack;

import dev.junction.infra.ChildProcess;
import dev.junction.infra.ClassDataSharing;
import dev.junction.infra.InfraException;
import dev.junction.infra.Readiness;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Junction service (a Spring Boot jar) run as a child JVM and awaited on its readiness probe. */
public final class ServiceProcess {
  /** Generous: on two cores shared with builds a service took more than 2 minutes to start. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(240);

  private ServiceProcess() {}

  /** The runnable jar of a module, e.g. {@code api-gateway/target/api-gateway-exec.jar}. */
  public static Path jar(Path home, String modulePath, String artifactId) {
    Path jar = home.resolve(modulePath).resolve("target").resolve(artifactId + "-exec.jar");
    if (!Files.isRegularFile(jar)) {
      throw new InfraException(
          jar + " is missing: build Junction first (bin/junction builds it, or ./mvnw package)");
    }
    return jar;
  }

  /** Where every Junction service answers whether it is ready (Spring Boot's readiness probe). */
  public static final String READINESS_PATH = "/actuator/health/readiness";

  public static ChildProcess start(
      String name, Path jar, int port, List<String> args, Path logDir, Path workDir) {
    return start(name, jar, port, args, Map.of(), logDir, workDir);
  }

  /**
   * Starts a service on 127.0.0.1:{@code port} with command-line {@code args} and {@code env} (e.g.
   * its settings as {@link ServiceSettings#environment environment variables}).
   */
  public static ChildProcess start(
      String name,
      Path jar,
      int port,
      List<String> args,
      Map<String, String> env,
      Path logDir,
      Path workDir) {
    List<String> all = new ArrayList<>();
    all.add("--server.port=" + port);
    all.add("--server.address=127.0.0.1");
    all.addAll(args);
    return startJar(name, jar, 384, all, env, logDir, workDir);
  }

  /** Runs {@code java -jar jar args} with a small heap, its output in {@code <name>.log}. */
  public static ChildProcess startJar(
      String name,
      Path jar,
      int heapMb,
      List<String> args,
      Map<String, String> env,
      Path logDir,
      Path workDir) {
    ClassDataSharing.Plan cds =
        ClassDataSharing.plan(jar.getFileName().toString().replace(".jar", ""), List.of(jar));
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.javaBinary());
    command.addAll(cds.jvmOptions());
    command.addAll(
        List.of(
            "-Xms" + Math.min(256, heapMb) + "m",
            "-Xmx" + heapMb + "m",
            "-XX:+UseSerialGC",
            "-Djava.awt.headless=true"));
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    ChildProcess process =
        ChildProcess.start(name, command, workDir, env, logDir.resolve(name + ".log"));
    process.whenExited(cds::exited);
    return process;
  }

  public static void awaitReady(ChildProcess process, int port) {
    String url = "http://127.0.0.1:" + port + READINESS_PATH;
    Readiness.await(process, START_TIMEOUT, () -> Readiness.httpOk(url, "UP"));
  }

  /**
   * Waits for a service whose listener is {@code baseUrl}, e.g. a gateway on HTTPS with a client
   * that trusts its certificate.
   */
  public static void awaitReady(ChildProcess process, String baseUrl, HttpClient client) {
    String url = baseUrl + READINESS_PATH;
    Readiness.await(process, START_TIMEOUT, () -> Readiness.httpOk(client, url, "UP"));
  }

  /** Waits until {@code url} answers 200 with {@code expected} in its body. */
  public static void awaitHttp(ChildProcess process, String url, String expected) {
    Readiness.await(process, START_TIMEOUT, () -> Readiness.httpOk(url, expected));
  }
}
