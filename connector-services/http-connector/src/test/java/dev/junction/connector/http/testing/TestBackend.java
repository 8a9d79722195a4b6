package dev.junction.connector.http.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 (the JDK's), answering each path with a scripted response and
 * recording every request it receives.
 */
public final class TestBackend implements AutoCloseable {

  /** What the server received. */
  public record Received(
      String method, String path, String rawQuery, Map<String, List<String>> headers, String body) {

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .map(entry -> entry.getValue().getFirst())
          .findFirst()
          .orElse(null);
    }
  }

  /** How to answer one path. */
  @FunctionalInterface
  public interface Responder {
    void respond(HttpExchange exchange) throws IOException;
  }

  private final HttpServer server;
  private final Map<String, Responder> responders = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  private TestBackend(HttpServer server) {
    this.server = server;
  }

  public static TestBackend start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      TestBackend backend = new TestBackend(server);
      server.createContext("/", backend::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return backend;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Base URL of the server, e.g. {@code http://127.0.0.1:12345}. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public TestBackend on(String path, Responder responder) {
    responders.put(path, responder);
    return this;
  }

  /**
   * A responder that holds the request until {@code release} opens (at most 10 s), then answers 200
   * with an empty JSON object: a slow backend.
   */
  public static Responder heldUntil(CountDownLatch release) {
    return exchange -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      respond(exchange, 200, "application/json", "{}");
    };
  }

  /** Answers {@code path} with {@code status} and a body of the given content type. */
  public TestBackend on(String path, int status, String contentType, String body) {
    return on(path, exchange -> respond(exchange, status, contentType, body));
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public List<Received> received(String path) {
    return received.stream().filter(request -> request.path().equals(path)).toList();
  }

  public static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (contentType != null) {
      exchange.getResponseHeaders().add("Content-Type", contentType);
    }
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      URI uri = exchange.getRequestURI();
      received.add(
          new Received(
              exchange.getRequestMethod(),
              uri.getRawPath(),
              uri.getRawQuery(),
              Map.copyOf(exchange.getRequestHeaders()),
              body));
      Responder responder = responders.get(uri.getRawPath());
      if (responder == null) {
        respond(exchange, 404, "application/problem+json", "{\"title\":\"Not Found\"}");
      } else {
        responder.respond(exchange);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
