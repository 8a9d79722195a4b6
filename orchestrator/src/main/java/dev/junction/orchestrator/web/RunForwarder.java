package dev.junction.orchestrator.web;

import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Passes a runs API request on to the instance that owns the run (or, for a list, asks each other
 * instance for its part), so a client may call any instance.
 */
final class RunForwarder {

  /** Set on forwarded requests: the receiving instance answers from its own stores only. */
  static final String FORWARDED_HEADER = "X-Junction-Forwarded";

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final WebClient client;

  RunForwarder(WebClient client) {
    this.client = client;
  }

  /** The owner's answer, status and body as they are. */
  Mono<ResponseEntity<Object>> forward(
      String baseUrl, HttpMethod method, String pathAndQuery, String body, String principal) {
    WebClient.RequestBodySpec request =
        client
            .method(method)
            .uri(baseUrl + pathAndQuery)
            .header(FORWARDED_HEADER, "true")
            .contentType(MediaType.APPLICATION_JSON);
    if (principal != null) {
      request.header(RunsController.PRINCIPAL_HEADER, principal);
    }
    WebClient.RequestHeadersSpec<?> withBody = body == null ? request : request.bodyValue(body);
    return withBody
        .exchangeToMono(response -> response.toEntity(String.class))
        .timeout(TIMEOUT)
        .map(
            entity ->
                ResponseEntity.status(entity.getStatusCode())
                    .headers(copied(entity.getHeaders()))
                    .body((Object) (entity.getBody() == null ? "" : entity.getBody())))
        .onErrorResume(
            e ->
                Mono.just(
                    ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .header(HttpHeaders.RETRY_AFTER, "1")
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(
                            new ProblemBody(
                                dev.junction.orchestrator.run.ProblemTypes.OVERLOADED,
                                "Runs are temporarily unavailable",
                                503,
                                "the instance owning the run at "
                                    + baseUrl
                                    + " did not answer: "
                                    + e.getMessage(),
                                pathAndQuery))));
  }

  /** A page of another instance's own runs. */
  Mono<RunsController.RunPage> page(String baseUrl, String pathAndQuery) {
    return client
        .get()
        .uri(baseUrl + pathAndQuery)
        .header(FORWARDED_HEADER, "true")
        .retrieve()
        .bodyToMono(RunsController.RunPage.class)
        .timeout(TIMEOUT);
  }

  private static java.util.function.Consumer<HttpHeaders> copied(HttpHeaders from) {
    return to -> {
      if (from.getContentType() != null) {
        to.setContentType(from.getContentType());
      }
      if (from.getLocation() != null) {
        to.setLocation(from.getLocation());
      }
      String retryAfter = from.getFirst(HttpHeaders.RETRY_AFTER);
      if (retryAfter != null) {
        to.set(HttpHeaders.RETRY_AFTER, retryAfter);
      }
    };
  }
}
