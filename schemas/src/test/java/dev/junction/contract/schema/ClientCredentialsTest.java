package dev.junction.contract.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client-credentials grant against a token endpoint served over HTTP in the test. */
class ClientCredentialsTest {

  private HttpServer server;
  private final AtomicInteger issued = new AtomicInteger();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private URI tokenUrl;

  @BeforeEach
  void startTokenEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/token",
        exchange -> {
          String form =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(exchange.getRequestHeaders().getFirst("Authorization") + " " + form);
          boolean good =
              "Basic Y2xpZW50OnMzY3JldA=="
                  .equals(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              (good
                      ? "{\"access_token\":\"t"
                          + issued.incrementAndGet()
                          + "\",\"expires_in\":300}"
                      : "{\"error\":\"invalid_client\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(good ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    tokenUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-11-26T10:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void reusesTheTokenUntilShortlyBeforeItExpires() {
    ManualClock clock = new ManualClock();
    ClientCredentials credentials =
        new ClientCredentials(
            tokenUrl, "client", "s3cret", "registry", HttpClient.newHttpClient(), clock);

    String first = credentials.token();
    clock.now = clock.now.plus(Duration.ofSeconds(260));
    String stillFirst = credentials.token();
    clock.now = clock.now.plus(Duration.ofSeconds(15));
    String renewed = credentials.token();

    assertThat(List.of(first, stillFirst, renewed)).containsExactly("t1", "t1", "t2");
    assertThat(requests)
        .hasSize(2)
        .allSatisfy(
            r ->
                assertThat(r)
                    .isEqualTo(
                        "Basic Y2xpZW50OnMzY3JldA== grant_type=client_credentials&scope=registry"));
  }

  @Test
  void namesTheClientWhenTheEndpointRefusesIt() {
    ClientCredentials credentials =
        new ClientCredentials(
            tokenUrl, "client", "wrong", null, HttpClient.newHttpClient(), Clock.systemUTC());

    assertThatThrownBy(credentials::token)
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("refused client client: HTTP 401");
  }
}
