package dev.junction.standalone.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.infra.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SampleBackendTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static SampleBackend backend;

  @BeforeAll
  static void start() throws Exception {
    backend = SampleBackend.start(FreePorts.next());
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  @Test
  void reservesStock() throws Exception {
    HttpResponse<String> response =
        post("/inventory/reservations", "{\"sku\":\"a\",\"quantity\":2}");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).contains("\"reservationId\":\"res-").contains("\"quantity\":2");
  }

  @Test
  void failsForFailSkus() throws Exception {
    assertThat(post("/inventory/reservations", "{\"sku\":\"fail-1\",\"quantity\":1}").statusCode())
        .isEqualTo(500);
  }

  @Test
  void createsOrderForAReservation() throws Exception {
    HttpResponse<String> response =
        post("/orders", "{\"customerId\":\"c-1\",\"reservationId\":\"res-1\"}");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).contains("\"orderId\":\"ord-").contains("CREATED");
  }

  @Test
  void refusesOrdersWithoutReservation() throws Exception {
    assertThat(post("/orders", "{\"customerId\":\"c-1\"}").statusCode()).isEqualTo(400);
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
