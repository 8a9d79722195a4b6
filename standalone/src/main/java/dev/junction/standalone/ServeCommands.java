package dev.junction.standalone;

import dev.junction.standalone.backend.SampleBackend;
import dev.junction.standalone.stack.EmbeddedStack;
import dev.junction.standalone.stack.StackSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/junction sample-backend} and {@code bin/junction dev-issuer}: one part of a stack in a
 * process of its own, serving until the process is stopped. The process stack runs both this way;
 * {@code docker-compose.yml} runs the sample backend this way.
 */
final class ServeCommands {
  private ServeCommands() {}

  /** {@code sample-backend [--port N] [--bind ADDRESS]}. */
  static int sampleBackend(List<String> options) throws IOException, InterruptedException {
    StackSettings defaults = StackSettings.defaults(Path.of("."), 1);
    int port =
        Integer.parseInt(
            JunctionCli.option(options, "--port", Integer.toString(defaults.backendPort())));
    InetAddress address = InetAddress.getByName(JunctionCli.option(options, "--bind", "127.0.0.1"));
    SampleBackend.start(address, port);
    return serveUntilStopped();
  }

  /**
   * {@code dev-issuer [--port N] [--key-file FILE]}; the sample client's secret comes from {@code
   * JUNCTION_SAMPLE_CLIENT_SECRET} (its development default otherwise), never from the command line
   * where every user of the machine could read it.
   */
  static int devIssuer(Path home, List<String> options) throws InterruptedException {
    StackSettings defaults = StackSettings.defaults(home, 1);
    int port =
        Integer.parseInt(
            JunctionCli.option(options, "--port", Integer.toString(defaults.issuerPort())));
    Path keyFile =
        Path.of(JunctionCli.option(options, "--key-file", defaults.keyFile().toString()));
    EmbeddedStack.startIssuer(port, keyFile, defaults.clientSecret());
    return serveUntilStopped();
  }

  private static int serveUntilStopped() throws InterruptedException {
    new CountDownLatch(1).await(); // SIGTERM ends the JVM; nothing else does
    return 0;
  }
}
