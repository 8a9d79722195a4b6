package dev.junction.standalone.stack;

import dev.junction.infra.ChildProcess;
import dev.junction.infra.InfraException;
import dev.junction.infra.Readiness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Junction service (a Spring Boot jar) run as a child JVM and awaited on its readiness probe. */
public final class ServiceProcess {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

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

  public static ChildProcess start(
      String name, Path jar, int port, List<String> args, Path logDir, Path workDir) {
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.javaBinary());
    command.addAll(List.of("-Xms256m", "-Xmx384m", "-XX:+UseSerialGC", "-Djava.awt.headless=true"));
    command.add("-jar");
    command.add(jar.toString());
    command.add("--server.port=" + port);
    command.add("--server.address=127.0.0.1");
    command.addAll(args);
    return ChildProcess.start(name, command, workDir, Map.of(), logDir.resolve(name + ".log"));
  }

  public static void awaitReady(ChildProcess process, int port) {
    String url = "http://127.0.0.1:" + port + "/actuator/health/readiness";
    Readiness.await(process, START_TIMEOUT, () -> Readiness.httpOk(url, "UP"));
  }
}
