package dev.junction.connector.http.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.connector.http.auth.Authentication;
import dev.junction.connector.http.auth.Secret;
import dev.junction.connector.http.testing.TestBackend;
import dev.junction.connector.http.testing.TestBackend.Received;
import dev.junction.connector.support.invoke.CallResult;
import dev.junction.infra.FreePorts;
import dev.junction.wire.ConnectorOutcome;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HttpOperationTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private static TestBackend backend;
  private static HttpOperation operation;
  private static HttpConnection orders;

  @BeforeAll
  static void startBackend() {
    backend = TestBackend.start();
    operation = new HttpOperation(HttpOperation.defaultClient(), JSON);
    orders = new HttpConnection("orders", backend.url().resolve("/api"), TIMEOUT);
  }

  @AfterAll
  static void stopBackend() {
    operation.close();
    backend.close();
  }

  private static CallResult call(String inputJson) throws Exception {
    return operation.call(orders, HttpRequestInput.parse(inputJson, JSON), "run-1:step:1", TIMEOUT);
  }

  @Test
  void sendsJsonBodyWithIdempotencyKeyAndReturnsStatusHeadersAndParsedBody() throws Exception {
    backend.on("/api/orders", 201, "application/json", "{\"orderId\":\"o-1\",\"status\":\"NEW\"}");

    CallResult result =
        call(
            """
            {"method":"POST","path":"/orders","query":{"dry":"no"},
             "headers":{"X-Tenant":"t1"},"body":{"sku":"A-1","quantity":2}}
            """);

    assertThat(result).isInstanceOf(CallResult.Succeeded.class);
    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    assertThat(result.error()).isNull();
    JsonNode output = JSON.readTree(result.output());
    assertThat(output.get("status").asInt()).isEqualTo(201);
    assertThat(output.get("headers").get("content-type").asString()).isEqualTo("application/json");
    assertThat(output.get("body").get("orderId").asString()).isEqualTo("o-1");

    Received request = backend.received("/api/orders").getLast();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.rawQuery()).isEqualTo("dry=no");
    assertThat(request.header("Content-Type")).isEqualTo("application/json");
    assertThat(request.header("Idempotency-Key")).isEqualTo("run-1:step:1");
    assertThat(request.header("X-Tenant")).isEqualTo("t1");
    assertThat(JSON.readTree(request.body()).get("quantity").asInt()).isEqualTo(2);
  }

  @Test
  void passesATextBodyAsTextForANonJsonContentType() throws Exception {
    backend.on("/api/notes", 200, "text/plain; charset=utf-8", "noted");

    CallResult result =
        call(
            """
            {"method":"PUT","path":"/notes","headers":{"Content-Type":"text/plain"},"body":"hello"}
            """);

    assertThat(JSON.readTree(result.output()).get("body").asString()).isEqualTo("noted");
    Received request = backend.received("/api/notes").getLast();
    assertThat(request.body()).isEqualTo("hello");
    assertThat(request.header("Content-Type")).isEqualTo("text/plain");
  }

  @Test
  void anEmptyResponseBodyIsNull() throws Exception {
    backend.on("/api/empty", 204, null, null);

    JsonNode output = JSON.readTree(call("{\"method\":\"DELETE\",\"path\":\"/empty\"}").output());

    assertThat(output.get("status").asInt()).isEqualTo(204);
    assertThat(output.get("body").isNull()).isTrue();
  }

  @Test
  void aBodyThatClaimsJsonButIsNotIsPassedOnAsText() throws Exception {
    backend.on("/api/broken", 200, "application/json", "{not json");

    JsonNode output = JSON.readTree(call("{\"method\":\"GET\",\"path\":\"/broken\"}").output());

    assertThat(output.get("body").asString()).isEqualTo("{not json");
  }

  @Test
  void cookiesSetByTheBackendAreNotCopiedIntoTheOutput() throws Exception {
    backend.on(
        "/api/login",
        exchange -> {
          exchange.getResponseHeaders().add("Set-Cookie", "session=secret");
          TestBackend.respond(exchange, 200, "application/json", "{}");
        });

    String output = call("{\"method\":\"GET\",\"path\":\"/login\"}").output();

    assertThat(output).doesNotContain("secret");
  }

  @Test
  void aClientErrorIsABusinessFailureWithTheResponseAsOutput() throws Exception {
    backend.on("/api/missing", 404, "application/problem+json", "{\"title\":\"Not Found\"}");

    CallResult result = call("{\"method\":\"GET\",\"path\":\"/missing\"}");

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.FAILED);
    assertThat(result.error()).isEqualTo("connection 'orders': GET /missing answered 404");
    assertThat(JSON.readTree(result.output()).get("body").get("title").asString())
        .isEqualTo("Not Found");
  }

  @Test
  void aServerErrorIsRetryableAndItsBodyStaysOutOfTheError() throws Exception {
    backend.on("/api/down", 503, "text/plain", "database password is hunter2");

    CallResult result = call("{\"method\":\"GET\",\"path\":\"/down\"}");

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
    assertThat(result.error()).contains("orders", "503").doesNotContain("hunter2");
  }

  @ParameterizedTest
  @CsvSource({
    "200, SUCCEEDED",
    "201, SUCCEEDED",
    "299, SUCCEEDED",
    "302, FAILED",
    "400, FAILED",
    "401, FAILED",
    "404, FAILED",
    "409, FAILED",
    "422, FAILED",
    "408, RETRYABLE_ERROR",
    "429, RETRYABLE_ERROR",
    "500, RETRYABLE_ERROR",
    "502, RETRYABLE_ERROR",
    "503, RETRYABLE_ERROR",
    "504, RETRYABLE_ERROR",
  })
  void classifiesStatusesAsTheContractSays(int status, ConnectorOutcome outcome) {
    assertThat(HttpOperation.classify(orders, "GET /x", status, "{}").outcome()).isEqualTo(outcome);
  }

  @Test
  void aPathEscapingTheBaseUrlIsFatalAndNeverSent() throws Exception {
    int before = backend.received().size();

    CallResult result = call("{\"method\":\"GET\",\"path\":\"/../admin\"}");

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(result.error()).startsWith("connection 'orders': ");
    assertThat(backend.received()).hasSize(before);
  }

  @Test
  void aHeaderTheClientOwnsIsFatal() throws Exception {
    CallResult result =
        call("{\"method\":\"GET\",\"path\":\"/x\",\"headers\":{\"Host\":\"evil.example\"}}");

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(result.error()).contains("Host");
  }

  @Test
  void aResponseLargerThanOneMebibyteIsFatal() throws Exception {
    backend.on(
        "/api/huge",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
          exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse early
          byte[] chunk = new byte[64 * 1024];
          try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 17; i++) {
              out.write(chunk);
            }
          } catch (java.io.IOException clientGone) {
            // the connector cancels the download once over the limit: expected
          }
        });

    CallResult result = call("{\"method\":\"GET\",\"path\":\"/huge\"}");

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(result.error()).contains("response too large");
  }

  @Test
  void aResponseOfExactlyOneMebibyteIsPassedOn() throws Exception {
    String body = "a".repeat(HttpOperation.MAX_RESPONSE_BYTES);
    backend.on("/api/limit", 200, "text/plain", body);

    CallResult result = call("{\"method\":\"GET\",\"path\":\"/limit\"}");

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
  }

  @Test
  void aSlowBackendTimesOutAsRetryable() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    backend.on("/api/slow", TestBackend.heldUntil(release));
    try {
      CallResult result =
          operation.call(
              orders,
              HttpRequestInput.parse("{\"method\":\"GET\",\"path\":\"/slow\"}", JSON),
              "k",
              Duration.ofMillis(200));

      assertThat(result.outcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
      assertThat(result.error()).contains("timed out");
      assertThat(result.output()).isNull();
    } finally {
      release.countDown();
    }
  }

  @Test
  void aRefusedConnectionIsRetryable() throws Exception {
    HttpConnection nowhere =
        new HttpConnection("nowhere", URI.create("http://127.0.0.1:" + FreePorts.next()), TIMEOUT);

    CallResult result =
        operation.call(nowhere, HttpRequestInput.parse("{\"method\":\"GET\"}", JSON), "k", TIMEOUT);

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
    assertThat(result.error()).isEqualTo("connection 'nowhere': GET /: connection refused");
  }

  @Test
  void aStepCannotReplaceTheConnectionsCredentials() throws Exception {
    HttpConnection secured =
        new HttpConnection(
            "secured",
            backend.url().resolve("/api"),
            TIMEOUT,
            new Authentication.Bearer(Secret.of("t0k")));

    CallResult result =
        operation.call(
            secured,
            HttpRequestInput.parse(
                "{\"method\":\"GET\",\"path\":\"/me\",\"headers\":{\"authorization\":\"Bearer x\"}}",
                JSON),
            "k",
            TIMEOUT);

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(result.error())
        .isEqualTo(
            "connection 'secured': header 'Authorization' is set by the connection's authentication");
    assertThat(backend.received("/api/me")).isEmpty();
  }
}
