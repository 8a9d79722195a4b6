package dev.junction.gateway.problem;

import dev.junction.gateway.catalog.Violation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The one place that turns a {@link Problem} into an {@code application/problem+json} response. */
public final class ProblemWriter {

  private final JsonMapper json;

  public ProblemWriter(JsonMapper json) {
    this.json = json;
  }

  /** The JSON document of a problem: type, title, status, detail (if any), errors (if any). */
  public byte[] render(Problem problem) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", problem.type().toString());
    body.put("title", problem.title());
    body.put("status", problem.status());
    if (problem.detail() != null) {
      body.put("detail", problem.detail());
    }
    if (!problem.errors().isEmpty()) {
      List<Map<String, String>> errors =
          problem.errors().stream().map(ProblemWriter::violation).toList();
      body.put("errors", errors);
    }
    return json.writeValueAsBytes(body);
  }

  /**
   * Writes the problem as the whole response; headers already on the response (such as {@code
   * X-Run-Id} or {@code WWW-Authenticate}) are kept.
   */
  public Mono<Void> write(
      ServerHttpResponse response, Problem problem, Map<String, String> headers) {
    byte[] bytes = render(problem);
    response.setStatusCode(HttpStatusCode.valueOf(problem.status()));
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    response.getHeaders().setContentLength(bytes.length);
    headers.forEach(response.getHeaders()::set);
    return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
  }

  public Mono<Void> write(ServerHttpResponse response, Problem problem) {
    return write(response, problem, Map.of());
  }

  private static Map<String, String> violation(Violation violation) {
    Map<String, String> error = new LinkedHashMap<>();
    error.put("pointer", violation.pointer());
    error.put("reason", violation.reason());
    return error;
  }
}
