package dev.junction.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keycloak run as a child process from the distribution the build fetched from Maven Central
 * ({@code org.keycloak:keycloak-quarkus-dist}), the same version the compose stack runs. It serves
 * plain HTTP on 127.0.0.1, keeps its database (H2, Keycloak's {@code dev-file}) in a folder of its
 * own, and imports a realm file at its first start: placeholders {@code ${NAME}} in the file are
 * read from the environment given.
 */
public final class KeycloakServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KeycloakServer.class);

  /**
   * How to run Keycloak.
   *
   * @param name label used in logs
   * @param port HTTP port on 127.0.0.1
   * @param managementPort port of its management interface on 127.0.0.1
   * @param realmFile the realm to import (a realm that already exists in the database is kept)
   * @param realm the realm's name, whose issuer URL readiness waits for
   * @param environment values of the realm file's placeholders, and Keycloak's own {@code KC_*}
   * @param dataDir its home: links to the distribution's folders, its own {@code data/} (database,
   *     realm import)
   * @param logFile where its output goes
   * @param heapMb maximum heap
   * @param startTimeout how long to wait until the realm answers
   */
  public record Settings(
      String name,
      int port,
      int managementPort,
      Path realmFile,
      String realm,
      Map<String, String> environment,
      Path dataDir,
      Path logFile,
      int heapMb,
      Duration startTimeout) {

    public Settings {
      environment = Map.copyOf(environment);
    }
  }

  private final Settings settings;
  private final ChildProcess process;

  private KeycloakServer(Settings settings, ChildProcess process) {
    this.settings = settings;
    this.process = process;
  }

  /** Starts Keycloak and waits until the realm's OpenID configuration answers. */
  public static KeycloakServer start(Settings settings) {
    Path distribution = InfraPaths.keycloakDir();
    ensureBuilt(distribution, settings);
    Path home = home(distribution, settings);
    List<String> command = jvm(home, settings.heapMb());
    command.addAll(
        List.of(
            // as the distribution was built (database dev-file, H2 under <home>/data)
            "start",
            "--optimized",
            "--http-enabled=true",
            "--http-host=127.0.0.1",
            "--http-port=" + settings.port(),
            "--http-management-port=" + settings.managementPort(),
            "--hostname-strict=false",
            "--import-realm"));
    ChildProcess process =
        ChildProcess.start(
            "keycloak[" + settings.name() + "]",
            command,
            home,
            settings.environment(),
            settings.logFile());
    KeycloakServer server = new KeycloakServer(settings, process);
    try {
      Readiness.await(
          process,
          settings.startTimeout(),
          () ->
              Readiness.httpOk(
                  server.issuerUrl() + "/.well-known/openid-configuration", "token_endpoint"));
    } catch (RuntimeException | Error e) { // never leave a half-started server running
      process.close();
      throw e;
    }
    log.info(
        "Keycloak {} ready at {} (pid {})", settings.name(), server.issuerUrl(), process.pid());
    return server;
  }

  /** The JVM and its options as {@code bin/kc.sh} gives them, with Keycloak's home. */
  private static List<String> jvm(Path home, int heapMb) {
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.javaBinary());
    command.addAll(
        List.of(
            "-Xms64m",
            "-Xmx" + heapMb + "m",
            "-XX:MetaspaceSize=96M",
            "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8",
            "-Duser.language=en",
            "-Duser.country=US",
            "-Djava.awt.headless=true",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.security=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--enable-native-access=ALL-UNNAMED",
            // running java directly (not kc.sh) keeps the PID and the signals Keycloak's own
            "-Djava.util.concurrent.ForkJoinPool.common.threadFactory="
                + "io.quarkus.bootstrap.forkjoin.QuarkusForkJoinWorkerThreadFactory",
            "-Dkc.home.dir=" + home,
            "-Djboss.server.config.dir=" + home.resolve("conf"),
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
            "-Dpicocli.disable.closures=true",
            "-Dquarkus-log-max-startup-records=10000",
            "-cp",
            home.resolve("lib").resolve("quarkus-run.jar").toString(),
            "io.quarkus.bootstrap.runner.QuarkusEntryPoint"));
    return command;
  }

  /**
   * Keycloak's build step ({@code kc.sh build}: Quarkus's augmentation for the default options),
   * once per distribution, before its first start: then every start is {@code --optimized}, which
   * saves the rebuild a plain {@code start} would do each time. Under a file lock, so that two
   * stacks starting at once build it once.
   */
  private static void ensureBuilt(Path distribution, Settings settings) {
    Path quarkus = distribution.resolve("lib").resolve("quarkus");
    Path marker = quarkus.resolve("junction-built");
    if (Files.exists(marker)) {
      return;
    }
    try (FileChannel channel =
            FileChannel.open(
                quarkus.resolve("junction-build.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (Files.exists(marker)) {
        return;
      }
      log.info("Building Keycloak's distribution once (kc.sh build) in {}", distribution);
      Path logFile = settings.logFile().resolveSibling("keycloak-build.log");
      List<String> command = jvm(distribution, settings.heapMb());
      command.add("build");
      ChildProcess build =
          ChildProcess.start("keycloak-build", command, distribution, Map.of(), logFile);
      int status = build.awaitExit(settings.startTimeout());
      if (status != 0) {
        throw new InfraException(
            "Keycloak's build step failed (exit code "
                + status
                + "); last lines of "
                + logFile
                + ":\n"
                + build.tail(40));
      }
      Files.createFile(marker);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot build Keycloak in " + distribution, e);
    }
  }

  /**
   * A Keycloak home of this server's own in {@code dataDir}: the distribution's folders linked,
   * {@code data/} (database, realm import) its own, so that several servers share one distribution.
   */
  private static Path home(Path distribution, Settings settings) {
    Path home = settings.dataDir();
    try {
      Files.createDirectories(home.resolve("data").resolve("import"));
      for (String folder : List.of("bin", "conf", "lib", "providers", "themes")) {
        Path link = home.resolve(folder);
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)
            && Files.exists(distribution.resolve(folder))) {
          Files.createSymbolicLink(link, distribution.resolve(folder));
        }
      }
      Files.copy(
          settings.realmFile(),
          home.resolve("data").resolve("import").resolve(settings.realmFile().getFileName()),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare Keycloak's folder " + home, e);
    }
    return home;
  }

  /** The realm's issuer URL: what its tokens carry as {@code iss}. */
  public String issuerUrl() {
    return issuerUrl(settings.port(), settings.realm());
  }

  /** The issuer URL of {@code realm} of a Keycloak on 127.0.0.1:{@code port}. */
  public static String issuerUrl(int port, String realm) {
    return "http://127.0.0.1:" + port + "/realms/" + realm;
  }

  public ChildProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
