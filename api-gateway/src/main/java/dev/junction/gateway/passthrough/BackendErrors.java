package dev.junction.gateway.passthrough;

import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import io.netty.handler.timeout.TimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import org.springframework.web.server.ResponseStatusException;

/**
 * Classifies what went wrong calling a pass-through backend into the problem the client sees: a
 * pure function, so every route reports the same failure the same way.
 */
final class BackendErrors {

  private BackendErrors() {}

  /**
   * @param error what the routing filter, the retry or the circuit breaker raised
   * @param backend the backend's base URL as the catalog writes it, named in the detail (the
   *     operator's own setting; a named value in it stays unexpanded)
   */
  static Throwable classify(Throwable error, String backend) {
    if (error instanceof ProblemException) {
      return error;
    }
    if (isTimeout(error)) {
      return new ProblemException(
          ProblemType.BACKEND_TIMEOUT.with("no answer from " + backend + " in time"));
    }
    if (has(error, ConnectException.class)) {
      return new ProblemException(
          ProblemType.BACKEND_UNREACHABLE.with("cannot connect to " + backend));
    }
    if (has(error, IOException.class)) {
      return new ProblemException(
          ProblemType.BACKEND_UNREACHABLE.with(
              "the connection to " + backend + " failed: " + error.getClass().getSimpleName()));
    }
    return error;
  }

  private static boolean isTimeout(Throwable error) {
    if (error instanceof ResponseStatusException status && status.getStatusCode().value() == 504) {
      return true;
    }
    return has(error, java.util.concurrent.TimeoutException.class)
        || has(error, org.springframework.cloud.gateway.support.TimeoutException.class)
        || has(error, TimeoutException.class);
  }

  private static boolean has(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
