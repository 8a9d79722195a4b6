package dev.junction.gateway.routing;

import dev.junction.gateway.catalog.OnTimeout;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.UnknownFields;
import dev.junction.gateway.problem.Problem;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.problem.ProblemWriter;
import dev.junction.gateway.reply.ReplyResult;
import dev.junction.gateway.schema.JsonAvroConverter;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/** Maps the end of a request-reply exchange to the HTTP answer; a pure function of its inputs. */
final class WorkflowResponses {

  /** Headers a reply cannot set: the gateway frames the response itself. */
  private static final Set<String> FRAMING_HEADERS =
      Set.of("content-length", "transfer-encoding", "connection", "content-type", "x-run-id");

  private static final Logger log = LoggerFactory.getLogger(WorkflowResponses.class);

  private final ProblemWriter problems;
  private final JsonMapper json;
  private final JsonAvroConverter converter;

  WorkflowResponses(ProblemWriter problems, JsonMapper json, JsonAvroConverter converter) {
    this.problems = problems;
    this.json = json;
    this.converter = converter;
  }

  HttpAnswer toAnswer(ReplyResult result, String runId, Operation operation) {
    return switch (result) {
      case ReplyResult.Replied replied -> fromReply(replied.reply(), runId, operation);
      case ReplyResult.Async async ->
          accepted(runId, Map.of("Preference-Applied", "respond-async"));
      case ReplyResult.TimedOut timedOut ->
          operation.onTimeout() == OnTimeout.GATEWAY_TIMEOUT
              ? problem(
                  ProblemType.GATEWAY_TIMEOUT.with(
                      "no reply from workflow %s in time; the run goes on, see %s"
                          .formatted(operation.workflow(), runLocation(runId))),
                  Map.of())
              : accepted(runId, Map.of());
      case ReplyResult.Shed shed ->
          problem(
              ProblemType.OVERLOADED.with("too many requests are awaiting replies; retry later"),
              Map.of(HttpHeaders.RETRY_AFTER, "1"));
    };
  }

  /** The path where a run's result can be read. */
  static String runLocation(String runId) {
    return "/runs/" + runId;
  }

  private HttpAnswer fromReply(WorkflowReply reply, String runId, Operation operation) {
    if (reply.getOutcome() == WorkflowOutcome.FAILED && reply.getProblem() != null) {
      dev.junction.wire.Problem wire = reply.getProblem();
      Problem problem =
          new Problem(
              type(wire.getType()), wire.getTitle(), wire.getStatus(), wire.getDetail(), List.of());
      return problem(problem, Map.of());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    MediaType contentType = null;
    for (Map.Entry<String, String> header : reply.getHeaders().entrySet()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("content-type")) {
        contentType = MediaType.parseMediaType(header.getValue());
      } else if (!FRAMING_HEADERS.contains(name)) {
        headers.put(header.getKey(), header.getValue());
      }
    }
    if (reply.getBody() == null) {
      return new HttpAnswer(reply.getStatus(), headers, null, new byte[0]);
    }
    MediaType type = contentType == null ? MediaType.APPLICATION_JSON : contentType;
    String body = reply.getBody();
    if (operation.responseSchema().isPresent()
        && reply.getStatus() / 100 == 2
        && MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
      Schema schema = operation.responseSchema().get();
      // The response schema is the contract: what it does not declare stays inside.
      JsonAvroConverter.Conversion conversion =
          converter.toRecord(body, schema, UnknownFields.DROP);
      if (!conversion.valid()) {
        log.warn(
            "run {}: workflow {} answered a body that does not match {}: {}",
            runId,
            operation.workflow(),
            schema.getFullName(),
            conversion.violations());
        return problem(
            ProblemType.BAD_GATEWAY
                .with(
                    "the workflow's response does not match schema %s; see %s"
                        .formatted(schema.getFullName(), runLocation(runId)))
                .withErrors(conversion.violations()),
            Map.of());
      }
      body = converter.toJson(conversion.record());
    }
    return new HttpAnswer(reply.getStatus(), headers, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private HttpAnswer accepted(String runId, Map<String, String> extra) {
    Map<String, String> headers = new LinkedHashMap<>(extra);
    headers.put(HttpHeaders.LOCATION, runLocation(runId));
    Map<String, String> body = new LinkedHashMap<>();
    body.put("runId", runId);
    body.put("status", "RUNNING");
    body.put("location", runLocation(runId));
    return new HttpAnswer(202, headers, MediaType.APPLICATION_JSON, json.writeValueAsBytes(body));
  }

  private HttpAnswer problem(Problem problem, Map<String, String> headers) {
    return new HttpAnswer(
        problem.status(), headers, MediaType.APPLICATION_PROBLEM_JSON, problems.render(problem));
  }

  /** RFC 9457: a missing or unusable type is {@code about:blank}. */
  private static URI type(String type) {
    try {
      return type == null || type.isBlank() ? URI.create("about:blank") : new URI(type);
    } catch (java.net.URISyntaxException e) {
      return URI.create("about:blank");
    }
  }
}
