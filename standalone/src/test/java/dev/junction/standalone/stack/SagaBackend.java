package dev.junction.standalone.stack;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend of the saga tests: {@code POST /a}, {@code POST /b} create a resource, {@code POST
 * /c} charges (and refuses with 409 when the body says {@code "fail":true}), {@code POST /once}
 * refuses its first call and accepts the others, {@code DELETE /a/{id}} and {@code DELETE /b/{id}}
 * undo. Like a well-behaved backend it honours {@code Idempotency-Key}: a repeated key gets the
 * first answer and changes nothing. It records every side effect with its key, so tests count them.
 */
final class SagaBackend implements AutoCloseable {

  /** One side effect: what was done, for which run, with which idempotency key. */
  record SideEffect(String action, String runId, String idempotencyKey) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final Map<String, Answer> answered = new ConcurrentHashMap<>();
  private final List<SideEffect> effects = new CopyOnWriteArrayList<>();
  private final AtomicInteger repeats = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger onceCalls = new AtomicInteger();

  private record Answer(int status, String body) {}

  SagaBackend() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<SideEffect> effects() {
    return List.copyOf(effects);
  }

  /** Requests that repeated an idempotency key already answered. */
  int repeats() {
    return repeats.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
      if (key == null) {
        send(exchange, new Answer(400, "{\"error\":\"Idempotency-Key required\"}"));
        return;
      }
      Answer answer;
      synchronized (answered) {
        Answer first = answered.get(key);
        if (first != null) {
          repeats.incrementAndGet();
          answer = first;
        } else {
          answer =
              perform(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body, key);
          answered.put(key, answer);
        }
      }
      send(exchange, answer);
    }
  }

  private Answer perform(String method, String path, String body, String key) {
    // keys are <run>:<step>:<attempt>; compensations <run>:compensate:<step>:<attempt>
    String runId = key.substring(0, key.indexOf(':'));
    if (method.equals("POST") && (path.equals("/a") || path.equals("/b"))) {
      String id = path.substring(1) + "-" + ids.incrementAndGet();
      effects.add(new SideEffect("create " + path.substring(1), runId, key));
      return new Answer(201, "{\"id\":\"" + id + "\"}");
    }
    if (method.equals("POST") && path.equals("/c")) {
      if (body.contains("\"fail\":true")) {
        return new Answer(409, "{\"error\":\"payment declined\"}");
      }
      effects.add(new SideEffect("charge", runId, key));
      return new Answer(201, "{\"id\":\"c-" + ids.incrementAndGet() + "\"}");
    }
    if (method.equals("POST") && path.equals("/once")) {
      // refuses its first call only: a step that fails once, then works
      if (onceCalls.incrementAndGet() == 1) {
        return new Answer(409, "{\"error\":\"not yet\"}");
      }
      effects.add(new SideEffect("once", runId, key));
      return new Answer(201, "{\"id\":\"once-" + ids.incrementAndGet() + "\"}");
    }
    if (method.equals("DELETE") && (path.startsWith("/a/") || path.startsWith("/b/"))) {
      effects.add(new SideEffect("undo " + path.substring(1, 2), runId, key));
      return new Answer(204, "");
    }
    return new Answer(404, "{\"error\":\"no such resource\"}");
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    byte[] bytes = answer.body().getBytes(UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
