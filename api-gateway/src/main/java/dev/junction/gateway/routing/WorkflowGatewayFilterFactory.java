package dev.junction.gateway.routing;

import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.problem.ProblemWriter;
import dev.junction.gateway.reply.RequestReplyClient;
import dev.junction.gateway.security.Callers;
import dev.junction.gateway.web.Preferences;
import dev.junction.gateway.web.RunIds;
import dev.junction.wire.WorkflowRequested;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The terminal filter of a composite operation: turns the call into a {@code WorkflowRequested},
 * awaits the {@code WorkflowReply} and writes the HTTP answer itself (it never calls the rest of
 * the chain, so the route's URI is a placeholder).
 */
public final class WorkflowGatewayFilterFactory
    extends AbstractGatewayFilterFactory<WorkflowGatewayFilterFactory.Config> {

  private static final Logger log = LoggerFactory.getLogger(WorkflowGatewayFilterFactory.class);

  /** Request headers never handed to a workflow: credentials and hop-by-hop framing. */
  private static final Set<String> WITHHELD_HEADERS =
      Set.of(
          "authorization",
          "proxy-authorization",
          "cookie",
          "connection",
          "keep-alive",
          "transfer-encoding",
          "te",
          "upgrade",
          "content-length",
          "prefer");

  private final RequestReplyClient client;
  private final WorkflowResponses responses;
  private final ProblemWriter problems;
  private final String replyTopic;
  private final int replyPartition;
  private final int maxBodyBytes;
  private final Clock clock;

  public WorkflowGatewayFilterFactory(
      RequestReplyClient client,
      WorkflowResponses responses,
      ProblemWriter problems,
      String replyTopic,
      int replyPartition,
      int maxBodyBytes,
      Clock clock) {
    super(Config.class);
    this.client = client;
    this.responses = responses;
    this.problems = problems;
    this.replyTopic = replyTopic;
    this.replyPartition = replyPartition;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
  }

  /**
   * @param operation the catalog operation the route serves
   */
  public record Config(Operation operation) {}

  @Override
  public GatewayFilter apply(Config config) {
    Operation operation = config.operation();
    return (exchange, chain) -> {
      String runId = RunIds.of(exchange);
      Preferences preferences = Preferences.parse(exchange.getRequest().getHeaders().get("Prefer"));
      return RequestBodies.read(exchange, maxBodyBytes)
          .zipWith(exchange.getPrincipal().map(Optional::of).defaultIfEmpty(Optional.empty()))
          .flatMap(
              bodyAndPrincipal -> {
                WorkflowRequested request =
                    request(
                        runId,
                        operation,
                        exchange,
                        bodyAndPrincipal.getT1(),
                        bodyAndPrincipal.getT2().orElse(null),
                        preferences);
                return client.call(request, preferences.respondAsync(), serverSpan(exchange));
              })
          .map(result -> responses.toAnswer(result, runId, operation))
          .flatMap(answer -> write(exchange.getResponse(), answer))
          .onErrorResume(
              error -> !(error instanceof DataBufferLimitException),
              error -> {
                log.warn(
                    "run {}: could not hand {} to the orchestrator: {}",
                    runId,
                    operation.id(),
                    error.toString());
                return problems.write(
                    exchange.getResponse(),
                    ProblemType.UNAVAILABLE.with(
                        "the request could not be handed to the workflow engine; retry later"),
                    Map.of(HttpHeaders.RETRY_AFTER, "1"));
              });
    };
  }

  /** The command for one call; the deadline is the operation's timeout, or the client's wait. */
  WorkflowRequested request(
      String runId,
      Operation operation,
      ServerWebExchange exchange,
      String body,
      Principal principal,
      Preferences preferences) {
    ServerHttpRequest http = exchange.getRequest();
    Instant now = clock.instant();
    Duration wait =
        preferences.respondAsync()
            ? Duration.ZERO
            : preferences.effectiveTimeout(operation.timeout());
    Map<String, String> query = new LinkedHashMap<>();
    http.getQueryParams().forEach((name, values) -> query.put(name, values.getFirst()));
    return WorkflowRequested.newBuilder()
        .setRunId(runId)
        .setWorkflow(operation.workflow())
        .setApi(operation.api())
        .setApiVersion(operation.apiVersion())
        .setOperation(operation.id())
        .setMethod(http.getMethod().name())
        .setPath(http.getPath().value())
        .setPathParams(Map.copyOf(ServerWebExchangeUtils.getUriTemplateVariables(exchange)))
        .setQuery(query)
        .setHeaders(forwardedHeaders(http.getHeaders()))
        .setBody(body == null || body.isEmpty() ? null : body)
        .setPrincipal(principal == null ? null : principal.getName())
        .setClientId(Callers.clientId(principal))
        .setReplyTopic(replyTopic)
        .setReplyPartition(replyPartition)
        .setRequestedAt(now)
        .setDeadline(now.plus(wait))
        .build();
  }

  /**
   * The trace context of the call's HTTP server span (which continues a client's {@code
   * traceparent}), or {@code null} when the call is not observed. Read from the exchange rather
   * than a thread-local: nothing here runs with the observation in scope.
   */
  static TraceContext serverSpan(ServerWebExchange exchange) {
    return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
        .map(
            context -> {
              TracingObservationHandler.TracingContext tracing =
                  context.get(TracingObservationHandler.TracingContext.class);
              return tracing == null ? null : tracing.getSpan();
            })
        .map(Span::context)
        .orElse(null);
  }

  /** Request headers for the workflow, lower-cased, multiple values joined by {@code ", "}. */
  static Map<String, String> forwardedHeaders(HttpHeaders headers) {
    Map<String, String> forwarded = new LinkedHashMap<>();
    headers.forEach(
        (name, values) -> {
          String lower = name.toLowerCase(Locale.ROOT);
          if (!WITHHELD_HEADERS.contains(lower)) {
            forwarded.merge(lower, String.join(", ", values), (a, b) -> a + ", " + b);
          }
        });
    return forwarded;
  }

  private static Mono<Void> write(ServerHttpResponse response, HttpAnswer answer) {
    response.setStatusCode(HttpStatusCode.valueOf(answer.status()));
    answer.headers().forEach(response.getHeaders()::set);
    if (answer.contentType() != null) {
      response.getHeaders().setContentType(answer.contentType());
    }
    response.getHeaders().setContentLength(answer.body().length);
    if (answer.body().length == 0) {
      return response.setComplete();
    }
    return response.writeWith(
        Mono.fromSupplier(() -> response.bufferFactory().wrap(answer.body())));
  }
}
