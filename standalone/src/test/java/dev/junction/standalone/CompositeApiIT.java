package dev.junction.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.junction.infra.InfraPaths;
import dev.junction.standalone.stack.EmbeddedStack;
import dev.junction.standalone.stack.StackSettings;
import dev.junction.standalone.stack.TokenClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample composite API end to end through the real stack: a KRaft broker and Apicurio as
 * processes, the dev issuer's JWKS, the orchestrator, the http-connector, the sample backend and
 * two gateway instances, each its own JVM.
 */
class CompositeApiIT {

  private static final String ORDER = "{\"customerId\":\"c-1\",\"sku\":\"%s\",\"quantity\":2}";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static EmbeddedStack stack;
  private static StackSettings settings;
  private static String token;
  private static RSAKey signingKey;

  @BeforeAll
  static void startStack() throws Exception {
    settings = StackSettings.ephemeral(InfraPaths.home(), "composite-it", 2);
    stack = EmbeddedStack.start(settings);
    token =
        TokenClient.fetch(
            settings.tokenUrl(),
            StackSettings.SAMPLE_CLIENT_ID,
            settings.clientSecret(),
            StackSettings.SAMPLE_SCOPES);
    signingKey = RSAKey.parse(Files.readString(settings.keyFile()));
  }

  @AfterAll
  static void stopStackLeavingNothingRunning() {
    if (stack == null) {
      return;
    }
    List<Long> pids = stack.childPids();
    stack.close();
    assertThat(pids).isNotEmpty();
    assertThat(pids)
        .allSatisfy(
            pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
  }

  @Test
  void placesAnOrderThroughTheWorkflow() throws Exception {
    HttpResponse<String> response = postOrder(0, token, String.format(ORDER, "sku-1"));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("X-Run-Id")).isPresent();
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("orderId").asString()).startsWith("ord-");
    assertThat(body.path("reservationId").asString()).startsWith("res-");
    // the workflow's response mapping sets headers too
    assertThat(response.headers().firstValue("X-Order-Id"))
        .contains(body.path("orderId").asString());
  }

  @Test
  void rejectsCallWithoutToken() throws Exception {
    HttpResponse<String> response = postOrder(0, null, String.format(ORDER, "sku-1"));

    assertProblem(response, 401, "unauthorized");
    assertThat(response.headers().firstValue("X-Run-Id")).isPresent();
  }

  @Test
  void rejectsTokenWithBadSignature() throws Exception {
    RSAKey otherKey = new RSAKeyGenerator(2048).keyID(signingKey.getKeyID()).generate();
    String forged = sign(otherKey, claims().build());

    assertProblem(postOrder(0, forged, String.format(ORDER, "sku-1")), 401, "unauthorized");
  }

  @Test
  void rejectsExpiredToken() throws Exception {
    Instant past = Instant.now().minus(Duration.ofHours(2));
    String expired =
        sign(
            signingKey,
            claims()
                .issueTime(Date.from(past))
                .notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plus(Duration.ofMinutes(10))))
                .build());

    assertProblem(postOrder(0, expired, String.format(ORDER, "sku-1")), 401, "unauthorized");
  }

  @Test
  void rejectsTokenForAnotherAudience() throws Exception {
    String otherAudience = sign(signingKey, claims().audience("some-other-api").build());

    assertProblem(postOrder(0, otherAudience, String.format(ORDER, "sku-1")), 401, "unauthorized");
  }

  @Test
  void acceptsTokenSignedWithTheIssuersKey() throws Exception {
    // the control for the three rejections above: the same claims, properly signed, pass
    String valid = sign(signingKey, claims().build());

    assertThat(postOrder(0, valid, String.format(ORDER, "sku-1")).statusCode()).isEqualTo(201);
  }

  @Test
  void forbidsTokenWithoutTheOperationsScope() throws Exception {
    String readOnly =
        TokenClient.fetch(
            settings.tokenUrl(),
            StackSettings.SAMPLE_CLIENT_ID,
            settings.clientSecret(),
            "orders:read");

    HttpResponse<String> response = postOrder(0, readOnly, String.format(ORDER, "sku-1"));

    assertProblem(response, 403, "forbidden");
    assertThat(response.body()).contains("orders:write");
  }

  @Test
  void rejectsBodyWithoutSkuNamingTheField() throws Exception {
    HttpResponse<String> response = postOrder(0, token, "{\"customerId\":\"c-1\",\"quantity\":2}");

    assertProblem(response, 400, "invalid-request");
    assertThat(response.body()).contains("sku");
  }

  @Test
  void rejectsMalformedJson() throws Exception {
    assertProblem(postOrder(0, token, "{\"customerId\":"), 400, "invalid-request");
  }

  @Test
  void mapsBackendFailureToBadGateway() throws Exception {
    HttpResponse<String> response = postOrder(0, token, String.format(ORDER, "fail-1"));

    assertProblem(response, 502, "step-failed");
    assertThat(response.body()).contains("reserve");
  }

  @Test
  void answersAcceptedWhenTheDeadlinePassesAndKeepsTheResult() throws Exception {
    HttpRequest request =
        orderRequest(0, token, String.format(ORDER, "slow-2500"))
            .header("Prefer", "wait=1")
            .build();

    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(202);
    String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
    assertThat(response.headers().firstValue("Location")).contains("/runs/" + runId);
    JsonNode run = awaitRunEnded(0, runId);
    assertThat(run.path("status").asString()).isEqualTo("COMPLETED");
    assertThat(run.path("response").path("status").asInt()).isEqualTo(201);
    assertThat(run.path("response").path("body").path("orderId").asString()).startsWith("ord-");
  }

  @Test
  void answersAcceptedAtOnceWhenAskedToRespondAsync() throws Exception {
    HttpRequest request =
        orderRequest(1, token, String.format(ORDER, "sku-2"))
            .header("Prefer", "respond-async")
            .build();

    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(202);
    String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
    assertThat(awaitRunEnded(1, runId).path("status").asString()).isEqualTo("COMPLETED");
  }

  @Test
  void twoGatewaysUnderConcurrentLoadEachGetTheirOwnReplies() throws Exception {
    int callsPerGateway = 120;
    List<Future<HttpResponse<String>>> calls = new ArrayList<>();
    List<Integer> gatewayOfCall = new ArrayList<>();
    try (ExecutorService clients = Executors.newFixedThreadPool(32)) {
      for (int i = 0; i < callsPerGateway; i++) {
        for (int gateway = 0; gateway < 2; gateway++) {
          int g = gateway;
          String body = String.format(ORDER, "sku-load-" + g + "-" + i);
          gatewayOfCall.add(g);
          calls.add(clients.submit(() -> postOrder(g, token, body)));
        }
      }
      Set<String> runIds = new HashSet<>();
      Set<String> orderIds = new HashSet<>();
      for (int i = 0; i < calls.size(); i++) {
        HttpResponse<String> response = calls.get(i).get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        String runId = response.headers().firstValue("X-Run-Id").orElseThrow();
        String orderId = JSON.readTree(response.body()).path("orderId").asString();
        runIds.add(runId);
        orderIds.add(orderId);
        // the reply this gateway answered with is the one its own run produced: nothing crossed
        JsonNode run = getRun(gatewayOfCall.get(i), runId);
        assertThat(run.path("response").path("body").path("orderId").asString()).isEqualTo(orderId);
      }
      assertThat(runIds).hasSize(2 * callsPerGateway);
      assertThat(orderIds).hasSize(2 * callsPerGateway);
    }
  }

  /**
   * Polls the run until it ended. Right after a 202 the orchestrator may not have picked the
   * command up yet (404 for a moment, on a loaded machine), so failed polls are retried.
   */
  private static JsonNode awaitRunEnded(int gateway, String runId) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> getRun(gateway, runId), run -> !run.path("status").asString().equals("RUNNING"));
  }

  private static JsonNode getRun(int gateway, String runId) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(gateway) + "/runs/" + runId))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> postOrder(int gateway, String bearer, String body)
      throws Exception {
    return HTTP.send(
        orderRequest(gateway, bearer, body).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder orderRequest(int gateway, String bearer, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(gateway) + "/orders/v1/orders"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return request;
  }

  private static void assertProblem(HttpResponse<String> response, int status, String kind)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.path("type").asString()).endsWith("/" + kind);
    assertThat(problem.path("status").asInt()).isEqualTo(status);
  }

  private static JWTClaimsSet.Builder claims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(settings.issuerUrl())
        .subject("it-client")
        .audience(StackSettings.GATEWAY_AUDIENCE)
        .claim("scope", List.of("orders:write"))
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
  }

  private static String sign(RSAKey key, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
