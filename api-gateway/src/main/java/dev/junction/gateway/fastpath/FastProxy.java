package dev.junction.gateway.fastpath;

import dev.junction.gateway.problem.Problem;
import dev.junction.gateway.problem.ProblemWriter;
import dev.junction.gateway.routing.RequestMetricsFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The fast path's proxy: starts each admitted call ({@link FastExchange}), keeps kept-alive
 * connections to the backends per event loop (a call's backend connection lives on its client
 * connection's loop, so no call ever changes threads), and records the calls as the full path does
 * ({@code junction.gateway.requests}, by API, operation and status), plus {@code
 * junction.gateway.fastpath.requests}.
 */
final class FastProxy {

  /** Hop-by-hop headers: never forwarded, in either direction (as Spring Cloud Gateway). */
  static final List<String> HOP_BY_HOP =
      List.of(
          "connection",
          "keep-alive",
          "te",
          "transfer-encoding",
          "trailer",
          "proxy-authorization",
          "proxy-authenticate",
          "upgrade",
          "x-application-context");

  /** Most idle connections kept per backend and event loop. */
  private static final int MAX_IDLE = 256;

  private final MeterRegistry meters;
  private final ProblemWriter problems;
  private final Class<? extends SocketChannel> channelType;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final FastThreadLocal<Map<String, ArrayDeque<Channel>>> idle =
      new FastThreadLocal<>() {
        @Override
        protected Map<String, ArrayDeque<Channel>> initialValue() {
          return new HashMap<>();
        }
      };

  FastProxy(
      MeterRegistry meters, ProblemWriter problems, Class<? extends SocketChannel> channelType) {
    this.meters = meters;
    this.problems = problems;
    this.channelType = channelType;
  }

  /** Starts an admitted call; {@code answered} runs on the connection's loop once it is. */
  FastExchange start(
      ChannelHandlerContext client,
      HttpRequest request,
      FastPath.Admitted admitted,
      Consumer<ChannelHandlerContext> answered) {
    FastRoute route = admitted.route();
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set(request.headers());
    for (String name : HOP_BY_HOP) {
      headers.remove(name);
    }
    // the token was issued for the gateway; the backend trusts the gateway, not the token
    headers.remove(HttpHeaderNames.AUTHORIZATION);
    headers.set(HttpHeaderNames.HOST, route.hostHeader());
    // as the full path's client sends them: the h2c offer's settings dropped, Accept defaulted
    headers.remove("http2-settings");
    if (!headers.contains(HttpHeaderNames.ACCEPT)) {
      headers.set(HttpHeaderNames.ACCEPT, "*/*");
    }
    FastExchange exchange =
        new FastExchange(this, client, admitted, headers, HttpUtil.isKeepAlive(request), answered);
    exchange.send();
    return exchange;
  }

  /** A kept-alive connection to the route's backend on this loop, else a new one. */
  void connect(EventLoop loop, FastRoute route, FastExchange exchange) {
    ArrayDeque<Channel> pool = idle.get().get(key(route));
    Channel channel;
    while (pool != null && (channel = pool.pollLast()) != null) {
      if (channel.isActive()) {
        exchange.connected(channel);
        return;
      }
    }
    new Bootstrap()
        .group(loop)
        .channel(channelType)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, route.backend().connectTimeout().toMillis()))
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new BackendHandler(FastProxy.this));
              }
            })
        .connect(route.host(), route.port())
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (connected.isSuccess()) {
                    exchange.connected(connected.channel());
                  } else {
                    exchange.connectFailed(connected.cause());
                  }
                });
  }

  /** A connection whose answer was read to its end, for the next call to the same backend. */
  void release(FastRoute route, Channel channel) {
    ArrayDeque<Channel> pool = idle.get().computeIfAbsent(key(route), k -> new ArrayDeque<>());
    if (pool.size() >= MAX_IDLE || !channel.isActive()) {
      channel.close();
      return;
    }
    pool.addLast(channel);
  }

  /** A pooled connection the backend closed. */
  void closedWhileIdle(Channel channel) {
    for (ArrayDeque<Channel> pool : idle.get().values()) {
      pool.remove(channel);
    }
  }

  void record(FastRoute route, int status, long startedNanos) {
    String operation = route.operation().id();
    timers
        .computeIfAbsent(
            route.apiId() + " " + operation + " " + status,
            k -> RequestMetricsFilter.timer(meters, route.apiId(), operation, status))
        .record(System.nanoTime() - startedNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    counters
        .computeIfAbsent(
            route.apiId() + " " + operation,
            k ->
                Counter.builder("junction.gateway.fastpath.requests")
                    .description("Requests answered by the gateway's fast path")
                    .tag("api", route.apiId())
                    .tag("operation", operation)
                    .register(meters))
        .increment();
  }

  byte[] render(Problem problem) {
    return problems.render(problem);
  }

  private static String key(FastRoute route) {
    return route.host() + ":" + route.port();
  }
}
