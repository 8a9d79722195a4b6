package dev.junction.gateway.fastpath;

import dev.junction.gateway.catalog.RetryPolicy;
import dev.junction.gateway.passthrough.BackendCircuitBreakers;
import dev.junction.gateway.problem.Problem;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.web.RunIds;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One call on the fast path, from the backend request to the client's answer, on its client
 * connection's event loop. It follows the pass-through route of the full path: the backend's
 * timeout per attempt (until the answer's head), retries of {@code GET} after a connection failure,
 * a timeout or a 502, 503 or 504 answer (the route's retry policy and backoff), one circuit-breaker
 * outcome per call after its retries (5xx or a failure counts as failed), the backend's answer
 * streamed back without its hop-by-hop headers, and the same problems for what fails ({@code 504
 * backend-timeout}, {@code 502 backend-unreachable}).
 */
final class FastExchange {

  private enum State {
    CONNECTING,
    WAITING,
    DISCARDING,
    STREAMING,
    DONE
  }

  private final FastProxy proxy;
  private final ChannelHandlerContext client;
  private final FastRoute route;
  private final String backendUri;
  private final Map<String, String> rateLimitHeaders;
  private final HttpHeaders backendHeaders;
  private final boolean keepAlive;
  private final Consumer<ChannelHandlerContext> answered;
  private final long started = System.nanoTime();
  private final long breakerStart;
  private final String runId = UUID.randomUUID().toString();
  private State state = State.CONNECTING;
  private int attempt;
  private Channel backend;
  private boolean backendKeepAlive;
  private ScheduledFuture<?> timeout;
  private long lastRead;
  private boolean informational;
  private int status;

  FastExchange(
      FastProxy proxy,
      ChannelHandlerContext client,
      FastPath.Admitted admitted,
      HttpHeaders backendHeaders,
      boolean keepAlive,
      Consumer<ChannelHandlerContext> answered) {
    this.proxy = proxy;
    this.client = client;
    this.route = admitted.route();
    this.backendUri = admitted.backendUri();
    this.rateLimitHeaders = admitted.rateLimitHeaders();
    this.backendHeaders = backendHeaders;
    this.keepAlive = keepAlive;
    this.answered = answered;
    CircuitBreaker breaker = route.breaker();
    this.breakerStart = breaker == null ? 0 : breaker.getCurrentTimestamp();
  }

  /** Sends the next attempt. */
  void send() {
    if (state == State.DONE) {
      return;
    }
    attempt++;
    state = State.CONNECTING;
    proxy.connect(client.channel().eventLoop(), route, this);
  }

  void connected(Channel channel) {
    if (state != State.CONNECTING) {
      // the client left meanwhile: the connection serves the next call
      proxy.release(route, channel);
      return;
    }
    backend = channel;
    state = State.WAITING;
    channel.pipeline().get(BackendHandler.class).bind(this);
    timeout = schedule(this::timedOut, route.backend().timeout().toNanos());
    channel
        .writeAndFlush(
            new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1,
                HttpMethod.GET,
                backendUri,
                Unpooled.EMPTY_BUFFER,
                backendHeaders,
                EmptyHttpHeaders.INSTANCE))
        .addListener(
            (ChannelFutureListener)
                written -> {
                  if (!written.isSuccess()) {
                    written.channel().pipeline().get(BackendHandler.class).unbind();
                    written.channel().close();
                    backendClosed(written.cause());
                  }
                });
  }

  void connectFailed(Throwable cause) {
    if (state != State.CONNECTING) {
      return;
    }
    failed(
        cause instanceof ConnectException
                || cause instanceof io.netty.channel.ConnectTimeoutException
            ? ProblemType.BACKEND_UNREACHABLE.with("cannot connect to " + route.backend().label())
            : connectionFailed(cause));
  }

  void head(HttpResponse response) {
    if (state != State.WAITING) {
      return;
    }
    if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      informational = true; // 103 Early Hints and the like: the answer is still to come
      return;
    }
    cancelTimeout();
    status = response.status().code();
    backendKeepAlive = HttpUtil.isKeepAlive(response);
    if ((status == 502 || status == 503 || status == 504) && retriesLeft()) {
      state = State.DISCARDING;
      return;
    }
    state = State.STREAMING;
    // as the full path's client: the timeout also bounds each wait for more of the answer
    lastRead = System.nanoTime();
    timeout = schedule(this::stalled, route.backend().timeout().toNanos());
    HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status());
    HttpHeaders headers = out.headers();
    headers.set(response.headers());
    for (String name : FastProxy.HOP_BY_HOP) {
      headers.remove(name);
    }
    if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      HttpUtil.setTransferEncodingChunked(out, true);
    }
    gatewayHeaders(headers, status);
    client.write(out);
  }

  void content(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    lastRead = System.nanoTime();
    if (informational) {
      informational = !last;
      content.release();
      return;
    }
    if (state == State.STREAMING) {
      if (last) {
        client.writeAndFlush(content).addListener(this::afterAnswer);
        done();
      } else {
        client.write(content);
      }
      return;
    }
    content.release();
    if (state == State.DISCARDING && last) {
      releaseBackend();
      retryLater();
    }
  }

  /** The end of what one read from the backend brought: it goes out to the client now. */
  void readComplete() {
    if (state == State.STREAMING) {
      client.flush();
    }
  }

  /** The backend connection closed (or failed) while this call used it. */
  void backendClosed(Throwable cause) {
    Channel gone = backend;
    backend = null;
    if (gone == null) {
      return;
    }
    switch (state) {
      case WAITING -> {
        cancelTimeout();
        failed(connectionFailed(cause));
      }
      case DISCARDING -> retryLater();
      case STREAMING -> {
        // part of the answer is out: the client can only learn by the connection closing
        state = State.DONE;
        cancelTimeout();
        recordBreaker(true);
        proxy.record(route, status, started);
        client.close();
        answered.accept(client);
      }
      default -> {}
    }
  }

  /** The client's connection closed before the call was answered. */
  void clientGone() {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    cancelTimeout();
    Channel open = backend;
    backend = null;
    if (open != null) {
      open.pipeline().get(BackendHandler.class).unbind();
      open.close();
    }
    CircuitBreaker breaker = route.breaker();
    if (breaker != null) {
      breaker.releasePermission();
    }
  }

  /** The client can take more (or no more) of the answer: reading the backend follows. */
  void clientWritable(boolean writable) {
    if (backend != null && state == State.STREAMING) {
      backend.config().setAutoRead(writable);
    }
  }

  private void timedOut() {
    if (state != State.WAITING) {
      return;
    }
    Channel late = backend;
    backend = null;
    late.pipeline().get(BackendHandler.class).unbind();
    late.close();
    failed(
        ProblemType.BACKEND_TIMEOUT.with("no answer from " + route.backend().label() + " in time"));
  }

  /** No more of the answer for a whole timeout: both connections close, as the answer is cut. */
  private void stalled() {
    if (state != State.STREAMING) {
      return;
    }
    long idle = System.nanoTime() - lastRead;
    long limit = route.backend().timeout().toNanos();
    if (idle < limit) {
      timeout = schedule(this::stalled, limit - idle);
      return;
    }
    timeout = null;
    Channel stuck = backend;
    if (stuck != null) {
      stuck.close(); // its handler reports the cut answer (backendClosed)
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return client.channel().eventLoop().schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  /** A failed attempt: the next one after the backoff, or the problem when none is left. */
  private void failed(Problem problem) {
    if (retriesLeft()) {
      retryLater();
      return;
    }
    state = State.DONE;
    status = problem.status();
    recordBreaker(true);
    byte[] body = proxy.render(problem);
    DefaultFullHttpResponse out =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(problem.status()),
            Unpooled.wrappedBuffer(body));
    HttpHeaders headers = out.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    gatewayHeaders(headers, status);
    client.writeAndFlush(out).addListener(this::afterAnswer);
    proxy.record(route, status, started);
    answered.accept(client);
  }

  private Problem connectionFailed(Throwable cause) {
    String why =
        cause == null ? "the backend closed the connection" : cause.getClass().getSimpleName();
    return ProblemType.BACKEND_UNREACHABLE.with(
        "the connection to " + route.backend().label() + " failed: " + why);
  }

  private boolean retriesLeft() {
    RetryPolicy retry = route.backend().retry();
    return attempt <= retry.retries()
        && retry.methods().contains(org.springframework.http.HttpMethod.GET);
  }

  /** Spring Cloud Gateway's backoff: the first delay, doubled each time, at most ten times it. */
  private void retryLater() {
    state = State.CONNECTING;
    long first = route.backend().retry().backoff().toNanos();
    long delay = Math.min(first * (1L << Math.min(attempt - 1, 20)), first * 10);
    schedule(this::send, delay);
  }

  private void done() {
    state = State.DONE;
    cancelTimeout();
    releaseBackend();
    recordBreaker(status >= 500);
    proxy.record(route, status, started);
    answered.accept(client);
  }

  private void releaseBackend() {
    Channel used = backend;
    backend = null;
    if (used == null) {
      return;
    }
    used.pipeline().get(BackendHandler.class).unbind();
    used.config().setAutoRead(true);
    if (backendKeepAlive) {
      proxy.release(route, used);
    } else {
      used.close();
    }
  }

  private void recordBreaker(boolean failed) {
    CircuitBreaker breaker = route.breaker();
    if (breaker == null) {
      return;
    }
    long took = breaker.getCurrentTimestamp() - breakerStart;
    if (failed) {
      breaker.onError(
          took, breaker.getTimestampUnit(), new BackendCircuitBreakers.BackendStatus(status));
    } else {
      breaker.onSuccess(took, breaker.getTimestampUnit());
    }
  }

  private void gatewayHeaders(HttpHeaders headers, int status) {
    rateLimitHeaders.forEach(
        (name, value) -> {
          String earlier = headers.get(name);
          headers.set(name, earlier == null ? value : earlier + ", " + value);
        });
    headers.set(RunIds.HEADER, runId);
    SecurityHeaders.add(headers, status);
    if (!keepAlive) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
  }

  private void afterAnswer(io.netty.util.concurrent.Future<? super Void> written) {
    if (!keepAlive || !written.isSuccess()) {
      client.close();
    }
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }
}
