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
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
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
  private final Clock clock;

  RunsController(RunLookup runs, RunHistory history, RunCommands commands, Clock clock) {
    this.runs = runs;
    this.history = history;
    this.commands = commands;
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
      @RequestParam(required = false) Integer limit) {
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
    return blocking(() -> history.list(query))
        .map(
            result ->
                switch (result) {
                  case RunHistory.Found(var page) ->
                      ResponseEntity.ok()
                          .contentType(MediaType.APPLICATION_JSON)
                          .body(
                              new RunPage(
                                  page.runs().stream().map(RunLine::of).toList(), page.next()));
                  case RunHistory.Unavailable(var reason) -> unavailable(reason, "/runs");
                });
  }

  @GetMapping("/runs/{id}")
  Mono<ResponseEntity<Object>> run(@PathVariable String id) {
    return blocking(() -> runs.find(id))
        .map(
            result ->
                switch (result) {
                  case RunLookup.Found(var state) ->
                      ResponseEntity.ok()
                          .contentType(MediaType.APPLICATION_JSON)
                          .body(RunView.of(state));
                  case RunLookup.NotFound() -> notFound(id);
                  case RunLookup.Unavailable(var reason) -> unavailable(reason, "/runs/" + id);
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
    return blocking(
        () ->
            withRun(
                id,
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
                }));
  }

  @PostMapping("/runs/{id}/resubmit")
  Mono<ResponseEntity<Object>> resubmit(@PathVariable String id) {
    return blocking(
        () ->
            withRun(
                id,
                state -> {
                  if (!WorkflowEngine.isEnded(state.getStatus())) {
                    return conflict(
                        id, "run '" + id + "' is " + state.getStatus() + "; wait until it ends");
                  }
                  String runId = commands.resubmit(state, clock.instant());
                  return ResponseEntity.accepted()
                      .location(URI.create("/runs/" + runId))
                      .contentType(MediaType.APPLICATION_JSON)
                      .body(new Accepted(runId, "RUNNING", "/runs/" + runId));
                }));
  }

  private ResponseEntity<Object> withRun(
      String id, java.util.function.Function<RunState, ResponseEntity<Object>> action) {
    return switch (runs.find(id)) {
      case RunLookup.Found(var state) -> action.apply(state);
      case RunLookup.NotFound() -> notFound(id);
      case RunLookup.Unavailable(var reason) -> unavailable(reason, "/runs/" + id);
    };
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
