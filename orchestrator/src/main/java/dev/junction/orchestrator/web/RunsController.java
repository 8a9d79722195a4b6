package dev.junction.orchestrator.web;

import dev.junction.orchestrator.run.ProblemTypes;
import dev.junction.orchestrator.run.RunLookup;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The runs API: the state of one run, read from the run store. */
@RestController
class RunsController {

  /** Seconds a client should wait before asking again while the store is unavailable. */
  private static final String RETRY_AFTER_SECONDS = "1";

  private final RunLookup runs;

  RunsController(RunLookup runs) {
    this.runs = runs;
  }

  @GetMapping("/runs/{id}")
  Mono<ResponseEntity<Object>> run(@PathVariable String id) {
    // the store is RocksDB: a blocking read, kept off the event loop
    return Mono.fromCallable(() -> runs.find(id))
        .subscribeOn(Schedulers.boundedElastic())
        .map(result -> respond(id, result));
  }

  private static ResponseEntity<Object> respond(String id, RunLookup.Result result) {
    return switch (result) {
      case RunLookup.Found(var state) ->
          ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(RunView.of(state));
      case RunLookup.NotFound() ->
          problem(
              HttpStatus.NOT_FOUND,
              new ProblemBody(
                  ProblemTypes.RUN_NOT_FOUND,
                  "Run not found",
                  404,
                  "no run has id '" + id + "'",
                  "/runs/" + id));
      case RunLookup.Unavailable(var reason) ->
          ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
              .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
              .contentType(MediaType.APPLICATION_PROBLEM_JSON)
              .body(
                  new ProblemBody(
                      ProblemTypes.OVERLOADED,
                      "Runs are temporarily unavailable",
                      503,
                      reason,
                      "/runs/" + id));
    };
  }

  private static ResponseEntity<Object> problem(HttpStatus status, ProblemBody body) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
  }
}
