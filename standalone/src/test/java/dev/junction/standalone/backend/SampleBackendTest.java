package dev.junction.standalone.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.infra.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  @Test
  void aDelayedReservationHoldsUpNoOtherRequest() throws Exception {
    CompletableFuture<HttpResponse<String>> slow =
        HTTP.sendAsync(
            request("/inventory/reservations", "{\"sku\":\"slow-3000\",\"quantity\":1}"),
            HttpResponse.BodyHandlers.ofString());
    Thread.sleep(200); // the slow request is being answered later

    HttpResponse<String> quick =
        post("/orders", "{\"customerId\":\"c-1\",\"reservationId\":\"r\"}");

    assertThat(quick.statusCode()).isEqualTo(201);
    assertThat(slow).isNotDone();
    HttpResponse<String> delayed = slow.get(10, TimeUnit.SECONDS);
    assertThat(delayed.statusCode()).isEqualTo(201);
    assertThat(delayed.body()).contains("\"sku\":\"slow-3000\"");
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(request(path, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend.port() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
