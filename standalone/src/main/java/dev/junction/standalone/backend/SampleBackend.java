package dev.junction.standalone.backend;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.junction.contract.CloudEventHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample backend of the embedded default: an inventory service and an order service, enough for
 * the sample composite API. A few SKUs trigger behaviours the demos and tests need: {@code fail-*}
 * makes the inventory answer 500, {@code slow-<millis>} delays it, {@code out-of-stock} answers
 * 409.
 *
 * <p>It traces nothing itself, but says in which trace it was called: the request's W3C {@code
 * traceparent} comes back as the response's {@code traceresponse}, which lands in the step's output
 * in the run history.
 */
public final class SampleBackend implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SampleBackend.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final long MAX_DELAY_MS = 60_000;

  /** W3C Trace Context response header: the trace context the backend was called in. */
  public static final String TRACE_RESPONSE = "traceresponse";

  private final HttpServer server;
  private final ExecutorService executor;

  private SampleBackend(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts the backend on 127.0.0.1:{@code port}. */
  public static SampleBackend start(int port) throws IOException {
    return start(InetAddress.getLoopbackAddress(), port);
  }

  /**
   * Starts the backend on {@code address}:{@code port}; in a container it binds every interface.
   */
  public static SampleBackend start(InetAddress address, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 128);
    // Requests are answered on the server's own thread (no hand-off to another thread per
    // request: the answers are computed in microseconds); only a delayed answer (slow-*) waits on
    // a virtual thread of its own, so it holds up no other request.
    server.setExecutor(null);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.createContext("/inventory/reservations", exchange -> reserve(exchange, executor));
    server.createContext("/orders", SampleBackend::createOrder);
    server.createContext("/health", SampleBackend::health);
    server.start();
    log.info("Sample backend listening on {}:{}", address.getHostAddress(), port);
    return new SampleBackend(server, executor);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void reserve(HttpExchange exchange, ExecutorService delayed) throws IOException {
    boolean answersLater = false;
    try {
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, Map.of("error", "use POST"));
        return;
      }
      JsonNode body = readJson(exchange);
      if (body == null || !body.hasNonNull("sku") || !body.hasNonNull("quantity")) {
        send(exchange, 400, Map.of("error", "sku and quantity are required"));
        return;
      }
      String sku = body.get("sku").asString();
      if (sku.startsWith("fail")) {
        send(exchange, 500, Map.of("error", "inventory database unavailable"));
        return;
      }
      if (sku.equals("out-of-stock")) {
        send(exchange, 409, Map.of("error", "no stock left for " + sku));
        return;
      }
      Map<String, Object> reservation = new LinkedHashMap<>();
      reservation.put("reservationId", "res-" + shortId());
      reservation.put("sku", sku);
      reservation.put("quantity", body.get("quantity").asInt());
      if (sku.startsWith("slow-")) {
        long delay = parseDelay(sku);
        delayed.execute(() -> answerLater(exchange, delay, reservation));
        answersLater = true;
        return;
      }
      send(exchange, 201, reservation);
    } finally {
      if (!answersLater) {
        exchange.close();
      }
    }
  }

  /** Answers a reservation after {@code delay} ms, on a thread of its own. */
  private static void answerLater(
      HttpExchange exchange, long delay, Map<String, Object> reservation) {
    try (exchange) {
      sleep(delay);
      send(exchange, 201, reservation);
    } catch (IOException e) {
      log.debug("Could not answer a delayed reservation: {}", e.getMessage());
    }
  }

  private static void health(HttpExchange exchange) throws IOException {
    try (exchange) {
      send(exchange, 200, Map.of("status", "UP"));
    }
  }

  private static void createOrder(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, Map.of("error", "use POST"));
        return;
      }
      JsonNode body = readJson(exchange);
      if (body == null || !body.hasNonNull("customerId") || !body.hasNonNull("reservationId")) {
        send(exchange, 400, Map.of("error", "customerId and reservationId are required"));
        return;
      }
      Map<String, Object> order = new LinkedHashMap<>();
      order.put("orderId", "ord-" + shortId());
      order.put("customerId", body.get("customerId").asString());
      order.put("reservationId", body.get("reservationId").asString());
      order.put("status", "CREATED");
      send(exchange, 201, order);
    }
  }

  private static JsonNode readJson(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return JSON.readTree(in.readAllBytes());
    } catch (JacksonException e) {
      return null;
    }
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    String traceparent = exchange.getRequestHeaders().getFirst(CloudEventHeaders.TRACEPARENT);
    if (traceparent != null) {
      exchange.getResponseHeaders().set(TRACE_RESPONSE, traceparent);
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static long parseDelay(String sku) {
    try {
      return Math.min(MAX_DELAY_MS, Long.parseLong(sku.substring("slow-".length())));
    } catch (NumberFormatException e) {
      return 1000;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis); // the delay is the behaviour this backend simulates
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
