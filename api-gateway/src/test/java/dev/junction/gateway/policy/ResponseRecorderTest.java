package dev.junction.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

class ResponseRecorderTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-06T08:00:00Z"), ZoneOffset.UTC);

  /** What the listener and the response's writer did, in order. */
  private final List<String> events = new CopyOnWriteArrayList<>();

  @Test
  void tellsTheListenersBeforeTheResponseIsWritten() {
    run(
        exchange -> {
          ResponseRecorder.onResponse(exchange, recordingListener(Mono.empty()));
          return writeHello(exchange);
        });

    // a store command sent on subscription leaves before the client can have the answer
    assertThat(events).containsExactly("stored 200 hello", "written");
  }

  @Test
  void tellsTheListenersOnceWhenTheRouteWritesNothing() {
    run(
        exchange -> {
          ResponseRecorder.onResponse(exchange, recordingListener(Mono.empty()));
          exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
          return Mono.empty();
        });

    assertThat(events).containsExactly("stored 204 ");
  }

  @Test
  void aStoreThatFailsDoesNotDisturbTheResponse() {
    run(
        exchange -> {
          ResponseRecorder.onResponse(
              exchange, recordingListener(Mono.error(new IllegalStateException("store down"))));
          return writeHello(exchange);
        });

    assertThat(events).containsExactly("stored 200 hello", "written");
  }

  @Test
  void aFailureBeforeTheResponseTellsTheListenersItFailed() {
    IllegalStateException failure = new IllegalStateException("backend gone");

    assertThatThrownBy(
            () ->
                run(
                    exchange -> {
                      ResponseRecorder.onResponse(exchange, recordingListener(Mono.empty()));
                      return Mono.error(failure);
                    }))
        .isSameAs(failure);
    assertThat(events).containsExactly("failed backend gone");
  }

  @Test
  void aFailureAfterTheResponseWentOutKeepsWhatWasRecorded() {
    IllegalStateException failure = new IllegalStateException("late");

    assertThatThrownBy(
            () ->
                run(
                    exchange -> {
                      ResponseRecorder.onResponse(exchange, recordingListener(Mono.empty()));
                      return writeHello(exchange).then(Mono.error(failure));
                    }))
        .isSameAs(failure);
    // no "failed": an idempotency record released now would let a repeat run the call again
    assertThat(events).containsExactly("stored 200 hello", "written");
  }

  private void run(Function<ServerWebExchange, Mono<Void>> route) {
    MockServerWebExchange mock = MockServerWebExchange.from(MockServerHttpRequest.get("/items/1"));
    ServerWebExchange exchange =
        mock.mutate().response(new WriteEvents(mock.getResponse())).build();
    GatewayFilterChain chain = route::apply;
    ResponseRecorder.filter(CLOCK).filter(exchange, chain).block(Duration.ofSeconds(5));
  }

  private static Mono<Void> writeHello(ServerWebExchange exchange) {
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(HttpStatus.OK);
    return response.writeWith(
        Mono.just(response.bufferFactory().wrap("hello".getBytes(StandardCharsets.UTF_8))));
  }

  /** Notes "stored status body" when its store Mono is subscribed, which then ends as given. */
  private ResponseRecorder.Listener recordingListener(Mono<Void> storeResult) {
    return new ResponseRecorder.Listener() {
      @Override
      public Mono<Void> completed(int status, StoredResponse response) {
        return Mono.defer(
            () -> {
              events.add(
                  "stored " + status + " " + new String(response.body(), StandardCharsets.UTF_8));
              return storeResult;
            });
      }

      @Override
      public Mono<Void> failed(Throwable error) {
        return Mono.fromRunnable(() -> events.add("failed " + error.getMessage()));
      }
    };
  }

  /** Notes "written" when the response's body write is subscribed. */
  private final class WriteEvents extends ServerHttpResponseDecorator {

    WriteEvents(ServerHttpResponse delegate) {
      super(delegate);
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
      return Mono.defer(
          () -> {
            events.add("written");
            return super.writeWith(body);
          });
    }
  }
}
