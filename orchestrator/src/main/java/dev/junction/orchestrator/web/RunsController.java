package dev.junction.orchestrator.web;

import dev.junction.orchestrator.run.ProblemTypes;
import dev.junction.orchestrator.run.RunCommands;
import dev.junction.orchestrator.run.RunHistory;
import dev.junction.orchestrator.run.RunLookup;
import dev.junction.orchestrator.run.WorkflowEngine;
import dev.junction.wire.RunState;
import dev.junction.wire.RunStatus;
import dev.junction.wire.RunSummary;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The runs API: list runs from the history index, read one run, cancel it, resubmit it. Reads come
 * from the Kafka Streams stores (RocksDB, blocking: kept off the event loop); cancel and resubmit
 * travel as Kafka records to the run's owner.
 */
@RestController
class RunsController {

  /** Seconds a client should wait before asking again while the store is unavailable. */
  private static final String RETRY_AFTER_SECONDS = "1";

  /** Set by the gateway: the subject of the operator's token. */
  static final String PRINCIPAL_HEADER = "X-Junction-Principal";

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  private final RunLookup runs;
  private final RunHistory history;
  private final RunCommands commands;
  private final RunForwarder forwarder;
  private final Clock clock;

  RunsController(
      RunLookup runs,
      RunHistory history,
      RunCommands commands,
      RunForwarder forwarder,
      Clock clock) {
    this.runs = runs;
    this.history = history;
    this.commands = commands;
    this.forwarder = forwarder;
    this.clock = clock;
  }

  /** Body of cancel: why, and who asks (both optional, kept in the run's history). */
  record CancelRequest(String reason, String requestedBy) {}

  /** One line of the run list. */
  record RunLine(
      String runId,
      String workflow,
      String workflowVersion,
      String status,
      String startedAt,
      String updatedAt,
      String trigger) {

    /** Where the run sits in the history, newest first ({@code before} of the next page). */
    String cursor() {
      return RunHistory.cursorOf(Instant.parse(startedAt), runId);
    }

    static RunLine of(RunSummary run) {
      return new RunLine(
          run.getRunId(),
          run.getWorkflow(),
          run.getWorkflowVersion(),
          run.getStatus().name(),
          run.getStartedAt().toString(),
          run.getUpdatedAt().toString(),
          run.getTrigger());
    }
  }

  /** A page of the run list; {@code next} is the {@code before} of the next page. */
  record RunPage(List<RunLine> runs, String next) {}

  /** What cancel and resubmit answer. */
  record Accepted(String runId, String status, String location) {}

  @GetMapping("/runs")
  Mono<ResponseEntity<Object>> list(
      @RequestParam(required = false) String workflow,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String before,
      @RequestParam(required = false) Integer limit,
      @RequestHeader(name = RunForwarder.FORWARDED_HEADER, required = false) String forwarded,
      ServerHttpRequest request) {
    RunHistory.Query query;
    try {
      query =
          new RunHistory.Query(
              blankToNull(workflow),
              statuses(status),
              instant("from", from),
              instant("to", to),
              blankToNull(before),
              limit(limit));
    } catch (IllegalArgumentException e) {
      return Mono.just(
          problem(
              HttpStatus.BAD_REQUEST,
              new ProblemBody(
                  ProblemTypes.BAD_REQUEST, "Bad runs query", 400, e.getMessage(), "/runs")));
    }
    Mono<ResponseEntity<Object>> local =
        blocking(() -> history.list(query))
            .map(
                result ->
                    switch (result) {
                      case RunHistory.Found(var page) ->
                          ResponseEntity.ok()
                              .contentType(MediaType.APPLICATION_JSON)
                              .body(
                                  (Object)
                                      new RunPage(
                                          page.runs().stream().map(RunLine::of).toList(),
                                          page.next()));
                      case RunHistory.Unavailable(var reason) -> unavailable(reason, "/runs");
                    });
    List<String> others = forwarded == null ? runs.otherInstances() : List.of();
    if (others.isEmpty()) {
      return local;
    }
    // every instance lists the runs of its own partitions; the newest of all make the page
    String pathAndQuery = request.getURI().getRawPath() + "?" + request.getURI().getRawQuery();
    return local.flatMap(
        mine -> {
          if (!(mine.getBody() instanceof RunPage own)) {
            return Mono.just(mine);
          }
          return Flux.fromIterable(others)
              .flatMap(url -> forwarder.page(url, pathAndQuery))
              .collectList()
              .map(
                  pages ->
                      ResponseEntity.ok()
                          .contentType(MediaType.APPLICATION_JSON)
                          .body((Object) merge(own, pages, query.limit())))
              .onErrorResume(
                  e ->
                      Mono.just(
                          unavailable(
                              "another instance did not answer: " + e.getMessage(), "/runs")));
        });
  }

  /** The newest {@code limit} runs of several pages, each sorted newest first. */
  static RunPage merge(RunPage own, List<RunPage> others, int limit) {
    List<RunLine> all = new java.util.ArrayList<>(own.runs());
    boolean more = own.next() != null;
    for (RunPage page : others) {
      all.addAll(page.runs());
      more |= page.next() != null;
    }
    all.sort(java.util.Comparator.comparing(RunLine::cursor).reversed());
    List<RunLine> first = all.subList(0, Math.min(limit, all.size()));
    more |= all.size() > limit;
    return new RunPage(
        List.copyOf(first), more && !first.isEmpty() ? first.getLast().cursor() : null);
  }

  @GetMapping("/runs/{id}")
  Mono<ResponseEntity<Object>> run(
      @PathVariable String id,
      @RequestHeader(name = RunForwarder.FORWARDED_HEADER, required = false) String forwarded) {
    return blocking(() -> runs.find(id))
        .flatMap(
            result ->
                switch (result) {
                  case RunLookup.Found(var state) ->
                      Mono.just(
                          ResponseEntity.ok()
                              .contentType(MediaType.APPLICATION_JSON)
                              .body((Object) RunView.of(state)));
                  case RunLookup.Elsewhere(var owner) when forwarded == null ->
                      forwarder.forward(owner, HttpMethod.GET, "/runs/" + id, null, null);
                  case RunLookup.Elsewhere(var owner) -> Mono.just(notFound(id));
                  case RunLookup.NotFound() -> Mono.just(notFound(id));
                  case RunLookup.Unavailable(var reason) ->
                      Mono.just(unavailable(reason, "/runs/" + id));
                });
  }

  @PostMapping("/runs/{id}/cancel")
  Mono<ResponseEntity<Object>> cancel(
      @PathVariable String id,
      @RequestBody(required = false) CancelRequest request,
      @RequestHeader(name = PRINCIPAL_HEADER, required = false) String principal) {
    // through the gateway, the caller's token subject; called directly, what the body says
    String reason = request == null ? null : request.reason();
    String requestedBy =
        principal != null && !principal.isBlank()
            ? principal
            : request == null ? null : request.requestedBy();
    CancelRequest body = new CancelRequest(reason, requestedBy);
    return withRun(
        id,
        HttpMethod.POST,
        "/runs/" + id + "/cancel",
        json(body),
        requestedBy,
        state -> {
          if (state.getStatus() != RunStatus.RUNNING) {
            return conflict(
                id,
                "run '"
                    + id
                    + "' is "
                    + state.getStatus()
                    + "; only a RUNNING run can be cancelled");
          }
          commands.cancel(id, body.reason(), body.requestedBy(), clock.instant());
          return ResponseEntity.accepted()
              .location(URI.create("/runs/" + id))
              .contentType(MediaType.APPLICATION_JSON)
              .body(new Accepted(id, "CANCELLING", "/runs/" + id));
        });
  }

  @PostMapping("/runs/{id}/resubmit")
  Mono<ResponseEntity<Object>> resubmit(
      @PathVariable String id, @RequestParam(required = false) String from) {
    if (from != null && !from.equals("failed")) {
      return Mono.just(
          problem(
              HttpStatus.BAD_REQUEST,
              new ProblemBody(
                  ProblemTypes.BAD_REQUEST,
                  "Bad resubmit",
                  400,
                  "from must be 'failed' (go on from the failed step) or absent (start over)",
                  "/runs/" + id + "/resubmit")));
    }
    boolean fromFailed = from != null;
    return withRun(
        id,
        HttpMethod.POST,
        "/runs/" + id + "/resubmit" + (fromFailed ? "?from=failed" : ""),
        null,
        null,
        state -> {
          if (!WorkflowEngine.isEnded(state.getStatus())) {
            return conflict(
                id, "run '" + id + "' is " + state.getStatus() + "; wait until it ends");
          }
          if (fromFailed && state.getStatus() != RunStatus.FAILED) {
            return conflict(
                id,
                "run '"
                    + id
                    + "' is "
                    + state.getStatus()
                    + "; only a FAILED run (nothing compensated) can go on from its failed step;"
                    + " resubmit it whole instead");
          }
          String runId =
              fromFailed
                  ? commands.resubmitFromFailedStep(state, clock.instant())
                  : commands.resubmit(state, clock.instant());
          return ResponseEntity.accepted()
              .location(URI.create("/runs/" + runId))
              .contentType(MediaType.APPLICATION_JSON)
              .body(new Accepted(runId, "RUNNING", "/runs/" + runId));
        });
  }

  /**
   * Applies {@code action} to the run where this instance owns it; passes the request on to the
   * owner otherwise.
   */
  private Mono<ResponseEntity<Object>> withRun(
      String id,
      HttpMethod method,
      String path,
      String body,
      String principal,
      java.util.function.Function<RunState, ResponseEntity<Object>> action) {
    return blocking(() -> runs.find(id))
        .flatMap(
            result ->
                switch (result) {
                  case RunLookup.Found(var state) -> blocking(() -> action.apply(state));
                  case RunLookup.Elsewhere(var owner) ->
                      forwarder.forward(owner, method, path, body, principal);
                  case RunLookup.NotFound() -> Mono.just(notFound(id));
                  case RunLookup.Unavailable(var reason) -> Mono.just(unavailable(reason, path));
                });
  }

  private static String json(CancelRequest body) {
    return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(body);
  }

  private static <T> Mono<T> blocking(Callable<T> call) {
    return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
  }

  private static Set<RunStatus> statuses(String text) {
    if (text == null || text.isBlank()) {
      return Set.of();
    }
    Set<RunStatus> statuses = EnumSet.noneOf(RunStatus.class);
    for (String name : text.split(",")) {
      try {
        statuses.add(RunStatus.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "status '"
                + name.trim()
                + "' is not one of "
                + Arrays.stream(RunStatus.values())
                    .filter(s -> s != RunStatus.UNKNOWN)
                    .map(Enum::name)
                    .collect(Collectors.joining(", ")));
      }
    }
    return statuses;
  }

  private static Instant instant(String name, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + " '" + text + "' is not an ISO-8601 instant such as 2026-11-26T09:00:00Z");
    }
  }

  private static int limit(Integer limit) {
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
    }
    return limit;
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text;
  }

  private static ResponseEntity<Object> notFound(String id) {
    return problem(
        HttpStatus.NOT_FOUND,
        new ProblemBody(
            ProblemTypes.RUN_NOT_FOUND,
            "Run not found",
            404,
            "no run has id '" + id + "'",
            "/runs/" + id));
  }

  private static ResponseEntity<Object> conflict(String id, String detail) {
    return problem(
        HttpStatus.CONFLICT,
        new ProblemBody(
            ProblemTypes.RUN_CONFLICT, "Run not in a state for this", 409, detail, "/runs/" + id));
  }

  private static ResponseEntity<Object> unavailable(String reason, String instance) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(
            new ProblemBody(
                ProblemTypes.OVERLOADED,
                "Runs are temporarily unavailable",
                503,
                reason,
                instance));
  }

  private static ResponseEntity<Object> problem(HttpStatus status, ProblemBody body) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
  }
}
