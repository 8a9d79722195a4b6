package dev.junction.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a child process to become ready, failing fast when the process dies meanwhile. */
public final class Readiness {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Readiness() {}

  /** Polls {@code check} until it returns true; fails when the process exits or time runs out. */
  public static void await(ChildProcess process, Duration timeout, BooleanSupplier check) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      process.requireAlive();
      if (check.getAsBoolean()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new InfraException(
            process.name()
                + " was not ready within "
                + timeout
                + "; last lines of "
                + process.logFile()
                + ":\n"
                + process.tail(40));
      }
      LockSupport.parkNanos(POLL.toNanos());
    }
  }

  /** True when {@code url} answers 200 and, if given, its body contains {@code expected}. */
  public static boolean httpOk(String url, String expected) {
    return httpOk(HTTP, url, expected);
  }

  /** The same, with {@code client} (e.g. one that trusts a server's own certificate authority). */
  public static boolean httpOk(HttpClient client, String url, String expected) {
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          && (expected == null || response.body().contains(expected));
    } catch (IOException e) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfraException("Interrupted while waiting for " + url, e);
    }
  }
}
