package dev.junction.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.OnTimeout;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.Policies;
import dev.junction.gateway.catalog.UnknownFields;
import dev.junction.gateway.problem.ProblemWriter;
import dev.junction.gateway.reply.ReplyResult;
import dev.junction.gateway.schema.JsonAvroConverter;
import dev.junction.wire.Problem;
import dev.junction.wire.WorkflowOutcome;
import dev.junction.wire.WorkflowReply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

class WorkflowResponsesTest {

  private final WorkflowResponses responses =
      new WorkflowResponses(
          new ProblemWriter(JsonMapper.shared()),
          JsonMapper.shared(),
          new JsonAvroConverter(JsonMapper.shared()));

  private static final Schema RESPONSE =
      new Schema.Parser()
          .parse(
              """
              {"type":"record","name":"CreateOrderResponse","fields":[
                {"name":"orderId","type":"string"},
                {"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
                {"name":"note","type":["null","string"],"default":null}]}
              """);

  private static Operation withResponseSchema() {
    Operation plain = operation(OnTimeout.ACCEPTED);
    return new Operation(
        plain.api(),
        plain.apiVersion(),
        plain.id(),
        plain.method(),
        plain.path(),
        plain.summary(),
        plain.scopes(),
        plain.requestSchema(),
        Optional.of(RESPONSE),
        plain.unknownFields(),
        plain.backend(),
        plain.timeout(),
        plain.onTimeout(),
        plain.policies());
  }

  @Test
  void rendersASuccessfulBodyThroughTheResponseSchema() {
    WorkflowReply reply =
        reply()
            .setOutcome(WorkflowOutcome.SUCCEEDED)
            .setStatus(201)
            .setBody("{\"orderId\":\"o1\",\"total\":\"12.5\",\"internal\":\"x\"}")
            .build();

    HttpAnswer answer =
        responses.toAnswer(new ReplyResult.Replied(reply), "r1", withResponseSchema());

    assertThat(answer.status()).isEqualTo(201);
    assertThat(body(answer)).isEqualTo("{\"orderId\":\"o1\",\"total\":12.50,\"note\":null}");
  }

  @Test
  void answersBadGatewayWhenTheWorkflowsBodyBreaksTheResponseSchema() {
    WorkflowReply reply =
        reply()
            .setOutcome(WorkflowOutcome.SUCCEEDED)
            .setStatus(200)
            .setBody("{\"total\":true}")
            .build();

    HttpAnswer answer =
        responses.toAnswer(new ReplyResult.Replied(reply), "r1", withResponseSchema());

    assertThat(answer.status()).isEqualTo(502);
    assertThat(answer.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(body(answer))
        .contains("bad-gateway")
        .contains("\"pointer\":\"/orderId\"")
        .contains("\"pointer\":\"/total\"");
  }

  static Operation operation(OnTimeout onTimeout) {
    return new Operation(
        "orders",
        "v1",
        "createOrder",
        HttpMethod.POST,
        "/orders/v1/orders",
        "Place an order",
        List.of("orders:write"),
        Optional.empty(),
        Optional.empty(),
        UnknownFields.REFUSE,
        new Backend.Workflow("create-order"),
        Duration.ofSeconds(5),
        onTimeout,
        Policies.NONE);
  }

  static WorkflowReply.Builder reply() {
    return WorkflowReply.newBuilder().setRunId("r1").setCompletedAt(Instant.now());
  }

  private static String body(HttpAnswer answer) {
    return new String(answer.body(), StandardCharsets.UTF_8);
  }

  @Test
  void answersWithTheReplysStatusHeadersAndBody() {
    WorkflowReply reply =
        reply()
            .setOutcome(WorkflowOutcome.SUCCEEDED)
            .setStatus(201)
            .setHeaders(Map.of("Location", "/orders/v1/orders/o1", "Content-Length", "999"))
            .setBody("{\"orderId\":\"o1\"}")
            .build();

    HttpAnswer answer =
        responses.toAnswer(new ReplyResult.Replied(reply), "r1", operation(OnTimeout.ACCEPTED));

    assertThat(answer.status()).isEqualTo(201);
    assertThat(answer.headers()).containsExactly(Map.entry("Location", "/orders/v1/orders/o1"));
    assertThat(answer.contentType()).isEqualTo(MediaType.APPLICATION_JSON);
    assertThat(body(answer)).isEqualTo("{\"orderId\":\"o1\"}");
  }

  @Test
  void answersAFailedRunWithItsProblem() {
    WorkflowReply reply =
        reply()
            .setOutcome(WorkflowOutcome.FAILED)
            .setStatus(502)
            .setProblem(
                new Problem(
                    "https://junction.dev/problems/step-failed",
                    "The order could not be placed",
                    409,
                    "step 'reserve' failed: out of stock"))
            .build();

    HttpAnswer answer =
        responses.toAnswer(new ReplyResult.Replied(reply), "r1", operation(OnTimeout.ACCEPTED));

    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(body(answer))
        .contains("\"type\":\"https://junction.dev/problems/step-failed\"")
        .contains("\"detail\":\"step 'reserve' failed: out of stock\"");
  }

  @Test
  void acceptsWhenTheDeadlinePasses() {
    HttpAnswer answer =
        responses.toAnswer(new ReplyResult.TimedOut(), "r1", operation(OnTimeout.ACCEPTED));

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.headers()).containsEntry("Location", "/runs/r1");
    assertThat(body(answer))
        .isEqualTo("{\"runId\":\"r1\",\"status\":\"RUNNING\",\"location\":\"/runs/r1\"}");
  }

  @Test
  void answers504WhenTheOperationSaysSo() {
    HttpAnswer answer =
        responses.toAnswer(new ReplyResult.TimedOut(), "r1", operation(OnTimeout.GATEWAY_TIMEOUT));

    assertThat(answer.status()).isEqualTo(504);
    assertThat(body(answer)).contains("https://junction.dev/problems/gateway-timeout");
  }

  @Test
  void acceptsAtOnceForRespondAsync() {
    HttpAnswer answer =
        responses.toAnswer(new ReplyResult.Async(), "r1", operation(OnTimeout.GATEWAY_TIMEOUT));

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.headers())
        .containsEntry("Location", "/runs/r1")
        .containsEntry("Preference-Applied", "respond-async");
  }

  @Test
  void shedsWith503AndRetryAfter() {
    HttpAnswer answer =
        responses.toAnswer(new ReplyResult.Shed(), "r1", operation(OnTimeout.ACCEPTED));

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.headers()).containsEntry("Retry-After", "1");
    assertThat(body(answer)).contains("https://junction.dev/problems/overloaded");
  }
}
