package dev.junction.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback interface, for tests and side-by-side stacks.
 *
 * <p>A port is free when it is handed out, not necessarily when its server binds it a moment later.
 * Ports the kernel picks for {@code bind(0)} come from its ephemeral range (Linux: 32768-60999),
 * the same range that outgoing connections take their local ports from. So another stack's client
 * could take such a port in between (a broker then failed to start with "Address already in use"
 * while another test class's stack ran beside it). These ports come from below that range instead,
 * and this JVM never hands out one twice.
 */
public final class FreePorts {

  /** The range ports are drawn from: below the usual ephemeral ranges (Linux, macOS, Windows). */
  static final int LOWEST = 20_000;

  static final int HIGHEST = 32_000;

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A port that was free on 127.0.0.1 a moment ago, outside the ephemeral range. */
  public static int next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int tries = 0; tries < 1_000; tries++) {
      int port = random.nextInt(LOWEST, HIGHEST + 1);
      if (HANDED_OUT.add(port)) {
        if (bindable(port)) {
          return port;
        }
        HANDED_OUT.remove(port);
      }
    }
    throw new IllegalStateException(
        "No free port on 127.0.0.1 between " + LOWEST + " and " + HIGHEST);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
