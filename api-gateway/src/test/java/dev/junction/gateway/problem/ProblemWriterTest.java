package dev.junction.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.gateway.catalog.Violation;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.json.JsonMapper;

class ProblemWriterTest {

  private final ProblemWriter writer = new ProblemWriter(JsonMapper.shared());

  @Test
  void rendersTypeTitleStatusAndDetail() {
    String json =
        new String(
            writer.render(ProblemType.NOT_FOUND.with("no operation at /x")),
            StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"type\":\"https://junction.dev/problems/not-found\",\"title\":\"No API operation at this path\",\"status\":404,\"detail\":\"no operation at /x\"}");
  }

  @Test
  void rendersEveryViolation() {
    Problem problem =
        ProblemType.INVALID_REQUEST
            .with("invalid body")
            .withErrors(List.of(new Violation("/sku", "is required"), new Violation("", "x")));

    assertThat(new String(writer.render(problem), StandardCharsets.UTF_8))
        .endsWith(
            "\"errors\":[{\"pointer\":\"/sku\",\"reason\":\"is required\"},{\"pointer\":\"\",\"reason\":\"x\"}]}");
  }

  @Test
  void omitsAbsentDetail() {
    assertThat(new String(writer.render(ProblemType.INTERNAL.with(null)), StandardCharsets.UTF_8))
        .doesNotContain("detail");
  }

  @Test
  void writesProblemJsonKeepingHeadersAlreadySet() {
    MockServerHttpResponse response = new MockServerHttpResponse();
    response.getHeaders().set("X-Run-Id", "r1");

    writer
        .write(
            response,
            ProblemType.OVERLOADED.with("busy"),
            java.util.Map.of(HttpHeaders.RETRY_AFTER, "1"))
        .block();

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    assertThat(response.getHeaders().getFirst("X-Run-Id")).isEqualTo("r1");
    assertThat(response.getBodyAsString().block()).contains("\"status\":503");
  }

  @Test
  void classifiesExceptions() {
    assertThat(type(new ResponseStatusException(HttpStatus.NOT_FOUND)))
        .isEqualTo(ProblemType.NOT_FOUND.type().toString());
    assertThat(type(new DataBufferLimitException("too big")))
        .isEqualTo(ProblemType.PAYLOAD_TOO_LARGE.type().toString());
    assertThat(type(new BadCredentialsException("bad")))
        .isEqualTo(ProblemType.UNAUTHORIZED.type().toString());
    assertThat(type(new RuntimeException(new ConnectException("refused"))))
        .isEqualTo(ProblemType.BAD_GATEWAY.type().toString());
    assertThat(type(new IllegalStateException("bug")))
        .isEqualTo(ProblemType.INTERNAL.type().toString());
    ProblemException notAllowed =
        ProblemExceptionHandler.toProblem(
            new MethodNotAllowedException(HttpMethod.PUT, Set.of(HttpMethod.POST, HttpMethod.GET)));
    assertThat(notAllowed.problem().status()).isEqualTo(405);
    assertThat(notAllowed.headers()).containsEntry(HttpHeaders.ALLOW, "GET, POST");
  }

  @Test
  void neverLeaksInternalExceptionMessages() {
    assertThat(
            ProblemExceptionHandler.toProblem(new IllegalStateException("secret"))
                .problem()
                .detail())
        .isNull();
  }

  private static String type(Throwable error) {
    return ProblemExceptionHandler.toProblem(error).problem().type().toString();
  }
}
