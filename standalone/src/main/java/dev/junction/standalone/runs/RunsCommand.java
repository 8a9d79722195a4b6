package dev.junction.standalone.runs;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.junction.standalone.JunctionCli;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bin/junction runs list|show|cancel|resubmit}: the orchestrator's runs API from a terminal.
 * Talks to the orchestrator directly ({@code --url}, or {@code JUNCTION_ORCHESTRATOR_URL}, default
 * the embedded stack's {@code http://127.0.0.1:8081}).
 */
public final class RunsCommand {

  /** The embedded stack's orchestrator. */
  public static final String DEFAULT_URL = "http://127.0.0.1:8081";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final PrintStream out;
  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RunsCommand(PrintStream out, String baseUrl) {
    this.out = out;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /** Runs the sub-command in {@code options}; returns the exit status. */
  public static int run(List<String> options, PrintStream out) {
    String env = System.getenv("JUNCTION_ORCHESTRATOR_URL");
    String url = JunctionCli.option(options, "--url", env == null ? DEFAULT_URL : env);
    RunsCommand command = new RunsCommand(out, url);
    String action = options.isEmpty() ? "help" : options.getFirst();
    List<String> rest = options.subList(Math.min(1, options.size()), options.size());
    try {
      return switch (action) {
        case "list" -> command.list(rest);
        case "show" -> command.show(rest);
        case "cancel" -> command.cancel(rest);
        case "resubmit" -> command.resubmit(rest);
        default -> help(out, action.equals("help") ? 0 : 2);
      };
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      out.println("Cannot reach the orchestrator at " + url + ": " + why);
      out.println("Is Junction running (bin/junction up)? Or pass --url.");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  private static int help(PrintStream out, int status) {
    out.println(
        """
        Usage: bin/junction runs <list|show|cancel|resubmit> [options] [--url ORCHESTRATOR_URL]

          list [--workflow NAME] [--status S[,S..]] [--from ISO] [--to ISO] [--limit N]
               [--before CURSOR] [--json]   runs, newest first, a page at a time
          show RUN_ID [--json]              one run: steps, attempts, timings, errors
          cancel RUN_ID [--reason TEXT]     stop a running run; its done steps are compensated
          resubmit RUN_ID [--from-failed]   start a new run with the same request (or go on
                                            from the failed step of a FAILED run)
        """);
    return status;
  }

  private int list(List<String> options) throws IOException, InterruptedException {
    List<String> query = new ArrayList<>();
    for (String name : List.of("workflow", "status", "from", "to", "limit", "before")) {
      String value = JunctionCli.option(options, "--" + name, null);
      if (value != null) {
        query.add(name + "=" + URLEncoder.encode(value, UTF_8));
      }
    }
    long started = System.nanoTime();
    HttpResponse<String> response =
        send(get("/runs" + (query.isEmpty() ? "" : "?" + String.join("&", query))));
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    if (response.statusCode() != 200) {
      return problem(response);
    }
    if (options.contains("--json")) {
      out.println(response.body());
      return 0;
    }
    JsonNode page = JSON.readTree(response.body());
    out.printf(
        "%-36s  %-24s  %-19s  %-24s  %s%n", "RUN", "WORKFLOW", "STATUS", "STARTED", "TRIGGER");
    for (JsonNode run : page.path("runs")) {
      out.printf(
          "%-36s  %-24s  %-19s  %-24s  %s%n",
          run.path("runId").asString(),
          run.path("workflow").asString() + "@" + run.path("workflowVersion").asString(),
          run.path("status").asString(),
          run.path("startedAt").asString(),
          run.path("trigger").isNull() ? "" : run.path("trigger").asString());
    }
    out.printf("%d runs in %d ms%n", page.path("runs").size(), tookMs);
    if (!page.path("next").isNull() && !page.path("next").isMissingNode()) {
      out.println("More: add --before " + page.path("next").asString());
    }
    return 0;
  }

  private int show(List<String> options) throws IOException, InterruptedException {
    String runId = runId(options);
    if (runId == null) {
      return help(out, 2);
    }
    HttpResponse<String> response = send(get("/runs/" + encode(runId)));
    if (response.statusCode() != 200) {
      return problem(response);
    }
    if (options.contains("--json")) {
      out.println(response.body());
      return 0;
    }
    JsonNode run = JSON.readTree(response.body());
    out.printf(
        "Run %s  %s@%s  %s%n",
        run.path("runId").asString(),
        run.path("workflow").asString(),
        run.path("workflowVersion").asString(),
        run.path("status").asString());
    out.printf(
        "  started %s, updated %s%s%n",
        run.path("startedAt").asString(),
        run.path("updatedAt").asString(),
        run.path("trigger").isNull() ? "" : ", trigger " + run.path("trigger").asString());
    printSteps("Steps", run.path("steps"));
    printSteps("Compensations", run.path("compensations"));
    JsonNode problem = run.path("problem");
    if (!problem.isNull() && !problem.isMissingNode()) {
      out.printf(
          "Problem: %s %s: %s%n",
          problem.path("status").asInt(),
          problem.path("title").asString(),
          problem.path("detail").asString());
    }
    JsonNode reply = run.path("response");
    if (!reply.isNull() && !reply.isMissingNode()) {
      out.printf("Response: %d %s%n", reply.path("status").asInt(), reply.path("body"));
    }
    return 0;
  }

  private void printSteps(String title, JsonNode steps) {
    if (steps.isEmpty()) {
      return;
    }
    out.println(title + ":");
    printSteps(steps, "  ");
  }

  private void printSteps(JsonNode steps, String indent) {
    for (JsonNode step : steps) {
      String took = "";
      if (step.hasNonNull("startedAt") && step.hasNonNull("endedAt")) {
        took =
            Duration.between(
                        Instant.parse(step.path("startedAt").asString()),
                        Instant.parse(step.path("endedAt").asString()))
                    .toMillis()
                + " ms";
      }
      out.printf(
          "%s%-20s %-10s attempt %-2d %8s  %s%n",
          indent,
          step.path("stepId").asString(),
          step.path("status").asString(),
          step.path("attempt").asInt(),
          took,
          step.hasNonNull("error") ? step.path("error").asString() : "");
      for (JsonNode error : step.path("errors")) {
        out.println(indent + "    " + error.asString());
      }
      printSteps(step.path("children"), indent + "  ");
    }
  }

  private int cancel(List<String> options) throws IOException, InterruptedException {
    String runId = runId(options);
    if (runId == null) {
      return help(out, 2);
    }
    String reason = JunctionCli.option(options, "--reason", null);
    String body =
        JSON.writeValueAsString(
            java.util.Map.of(
                "reason",
                reason == null ? "cancelled from the command line" : reason,
                "requestedBy",
                System.getProperty("user.name", "cli")));
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(baseUrl + "/runs/" + encode(runId) + "/cancel"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    if (response.statusCode() != 202) {
      return problem(response);
    }
    out.println("Cancelling run " + runId + "; follow it with: bin/junction runs show " + runId);
    return 0;
  }

  private int resubmit(List<String> options) throws IOException, InterruptedException {
    String runId = runId(options);
    if (runId == null) {
      return help(out, 2);
    }
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(
                    URI.create(
                        baseUrl
                            + "/runs/"
                            + encode(runId)
                            + "/resubmit"
                            + (options.contains("--from-failed") ? "?from=failed" : "")))
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()));
    if (response.statusCode() != 202) {
      return problem(response);
    }
    String newRun = JSON.readTree(response.body()).path("runId").asString();
    out.println("Started run " + newRun + "; follow it with: bin/junction runs show " + newRun);
    return 0;
  }

  private static String runId(List<String> options) {
    return options.isEmpty() || options.getFirst().startsWith("--") ? null : options.getFirst();
  }

  private int problem(HttpResponse<String> response) {
    String detail = response.body();
    try {
      JsonNode problem = JSON.readTree(response.body());
      if (problem.has("title")) {
        detail = problem.path("title").asString() + ": " + problem.path("detail").asString();
      }
    } catch (RuntimeException e) {
      // not problem details: show the body as it is
    }
    out.println("Error " + response.statusCode() + ": " + detail);
    return 1;
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).GET();
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, UTF_8).replace("+", "%20");
  }
}
