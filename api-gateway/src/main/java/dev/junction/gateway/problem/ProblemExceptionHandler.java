package dev.junction.gateway.problem;

import dev.junction.gateway.web.RunIds;
import java.net.ConnectException;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Renders every exception that reaches the web layer as {@code application/problem+json}, so
 * neither Boot's default JSON error nor an HTML page ever leaks. Replaces Boot's {@code
 * DefaultErrorWebExceptionHandler} (which backs off when an {@link ErrorWebExceptionHandler} bean
 * exists).
 */
public final class ProblemExceptionHandler implements ErrorWebExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

  private final ProblemWriter writer;

  public ProblemExceptionHandler(ProblemWriter writer) {
    this.writer = writer;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
    if (exchange.getResponse().isCommitted()) {
      return Mono.error(error);
    }
    ProblemException problem = toProblem(error);
    if (problem.problem().status() >= 500) {
      log.error(
          "run {}: {} {} failed with {}",
          RunIds.of(exchange),
          exchange.getRequest().getMethod(),
          exchange.getRequest().getPath(),
          problem.problem().status(),
          error);
    } else {
      log.debug(
          "run {}: answered {}: {}",
          RunIds.of(exchange),
          problem.problem().status(),
          error.toString());
    }
    return writer.write(exchange.getResponse(), problem.problem(), problem.headers());
  }

  /** Classifies an exception into the problem the client sees. */
  public static ProblemException toProblem(Throwable error) {
    if (error instanceof ProblemException problem) {
      return problem;
    }
    if (error instanceof DataBufferLimitException) {
      return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE.with(error.getMessage()));
    }
    if (error instanceof AuthenticationException) {
      return new ProblemException(ProblemType.UNAUTHORIZED.with(error.getMessage()));
    }
    if (error instanceof AccessDeniedException) {
      return new ProblemException(ProblemType.FORBIDDEN.with(error.getMessage()));
    }
    if (error instanceof MethodNotAllowedException notAllowed) {
      String allow =
          notAllowed.getSupportedMethods().stream()
              .map(HttpMethod::name)
              .sorted()
              .collect(Collectors.joining(", "));
      return new ProblemException(
          ProblemType.METHOD_NOT_ALLOWED.with(notAllowed.getReason()),
          allow.isEmpty() ? Map.of() : Map.of(HttpHeaders.ALLOW, allow));
    }
    if (error instanceof ResponseStatusException status) {
      return new ProblemException(
          byStatus(status.getStatusCode().value()).with(status.getReason()));
    }
    if (hasCause(error, ConnectException.class)) {
      return new ProblemException(
          ProblemType.BAD_GATEWAY.with("the upstream service refused the connection"));
    }
    return new ProblemException(ProblemType.INTERNAL.with(null));
  }

  private static ProblemType byStatus(int status) {
    return switch (status) {
      case 400 -> ProblemType.INVALID_REQUEST;
      case 401 -> ProblemType.UNAUTHORIZED;
      case 403 -> ProblemType.FORBIDDEN;
      case 404 -> ProblemType.NOT_FOUND;
      case 405 -> ProblemType.METHOD_NOT_ALLOWED;
      case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
      case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
      case 502, 503 -> ProblemType.BAD_GATEWAY;
      case 504 -> ProblemType.GATEWAY_TIMEOUT;
      default -> status >= 400 && status < 500 ? ProblemType.INVALID_REQUEST : ProblemType.INTERNAL;
    };
  }

  private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
