package dev.junction.gateway.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.sun.net.httpserver.HttpServer;
import dev.junction.gateway.GatewayTestSupport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.web.reactive.function.client.WebClient;

class PortalStatusTest {

  private HttpServer server;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    answer("/orchestrator/up", 200, "{\"status\":\"UP\"}");
    answer("/orchestrator/down", 503, "{\"status\":\"DOWN\"}");
    answer("/jwks", 200, "{\"keys\":[]}");
    answer("/registry/broken", 500, "oops");
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void isUpWhenEveryServiceIs() {
    PortalStatus.Report report =
        status(Health.up().build(), "/orchestrator/up", "/jwks", "/jwks").check().block();

    assertThat(report.status()).isEqualTo("UP");
    assertThat(report.components())
        .extracting(PortalStatus.Component::name, PortalStatus.Component::status)
        .containsExactly(
            tuple("api-gateway", "UP"),
            tuple("orchestrator", "UP"),
            tuple("token issuer", "UP"),
            tuple("schema registry", "UP"));
  }

  @Test
  void namesEachServiceThatIsDownAndWhy() {
    PortalStatus.Report report =
        status(Health.outOfService().build(), "/orchestrator/down", "/jwks", "/registry/broken")
            .check()
            .block();

    assertThat(report.status()).isEqualTo("DOWN");
    assertThat(report.components())
        .extracting(PortalStatus.Component::status)
        .containsExactly("OUT_OF_SERVICE", "DOWN", "UP", "DOWN");
    assertThat(report.components().get(3).detail()).startsWith("HTTP 500 from ");
  }

  @Test
  void aServiceThatDoesNotAnswerIsDown() throws IOException {
    int closed = GatewayTestSupport.closedPort();
    PortalStatus status =
        new PortalStatus(
            WebClient.create(),
            () -> Health.up().build(),
            URI.create("http://127.0.0.1:" + closed + "/actuator/health"),
            url("/jwks"),
            url("/jwks"),
            Duration.ofSeconds(2));

    PortalStatus.Component orchestrator = status.check().block().components().get(1);

    assertThat(orchestrator.status()).isEqualTo("DOWN");
    assertThat(orchestrator.detail()).contains(String.valueOf(closed));
  }

  private PortalStatus status(Health gateway, String orchestrator, String issuer, String registry) {
    return new PortalStatus(
        WebClient.create(),
        () -> gateway,
        url(orchestrator),
        url(issuer),
        url(registry),
        // generous: the first call warms Reactor Netty up, which takes seconds on a loaded machine;
        // these tests are about the answers, not the timeout
        Duration.ofSeconds(15));
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private void answer(String path, int status, String body) {
    server.createContext(
        path,
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
  }
}
