package dev.junction.gateway.fastpath;

import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.passthrough.BackendCircuitBreakers;
import dev.junction.gateway.policy.jwt.TokenVerifier;
import dev.junction.gateway.policy.jwt.TrustedIssuers;
import dev.junction.gateway.policy.ratelimit.RateLimiter;
import dev.junction.gateway.problem.ProblemWriter;
import dev.junction.gateway.subscription.SubscriptionChecks;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * The fast path for pass-through calls ({@code docs/policies.md}, "Fast path"): on unless {@code
 * junction.gateway.fast-path.enabled=false}. Its handler joins each HTTP/1.1 connection of the
 * gateway's server right after Reactor Netty's codec.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    name = "junction.gateway.fast-path.enabled",
    havingValue = "true",
    matchIfMissing = true)
public class FastPathConfiguration {

  /** The transports whose client connections the fast path can open. */
  private static final Set<String> TRANSPORTS =
      Set.of(NioSocketChannel.class.getName(), "io.netty.channel.epoll.EpollSocketChannel");

  /**
   * Server features the fast path does not have: where one is configured (compression, access log,
   * server metrics, the PROXY protocol), every call takes the full path.
   */
  private static final Set<String> FULL_PATH_FEATURES =
      Set.of(
          NettyPipeline.CompressionHandler,
          NettyPipeline.HttpDecompressor,
          NettyPipeline.AccessLogHandler,
          NettyPipeline.HttpMetricsHandler,
          NettyPipeline.ProxyProtocolReader,
          NettyPipeline.ProxyProtocolDecoder);

  private static final Logger log = LoggerFactory.getLogger(FastPathConfiguration.class);

  @Bean
  FastPath fastPath(
      ApiCatalogService catalog,
      TrustedIssuers issuers,
      TokenVerifier tokens,
      RateLimiter limiter,
      BackendCircuitBreakers breakers,
      SubscriptionChecks subscriptions) {
    return new FastPath(catalog, issuers, tokens, limiter, breakers, subscriptions);
  }

  @Bean
  NettyServerCustomizer fastPathServerCustomizer(
      FastPath fastPath, MeterRegistry meters, ProblemWriter problems) {
    // a connection accepted by the server is of the class a client connection on the same event
    // loop must be (epoll or NIO); the backend connections are made of it
    Map<Class<?>, FastProxy> proxies = new ConcurrentHashMap<>();
    return server ->
        server.doOnChannelInit(
            (observer, channel, remote) -> {
              FastProxy proxy =
                  channel instanceof SocketChannel socket
                          && TRANSPORTS.contains(channel.getClass().getName())
                      ? proxies.computeIfAbsent(
                          channel.getClass(),
                          type -> new FastProxy(meters, problems, socket.getClass()))
                      : null;
              if (proxy == null || !plainHttp11(channel.pipeline().names())) {
                log.debug("no fast path on {} ({})", channel, channel.getClass().getSimpleName());
                return;
              }
              channel
                  .pipeline()
                  .addAfter(
                      NettyPipeline.HttpCodec,
                      "junction.fastPath",
                      new FastPathHandler(fastPath, proxy));
            });
  }

  /**
   * Whether the connection speaks plain HTTP/1.1: Reactor Netty's codec followed directly by its
   * request handling (no h2c upgrade handler, no HTTP/2 or HTTP/3 frames in between).
   */
  static boolean plainHttp11(List<String> handlers) {
    int codec = handlers.indexOf(NettyPipeline.HttpCodec);
    return codec >= 0
        && codec + 1 < handlers.size()
        && NettyPipeline.HttpTrafficHandler.equals(handlers.get(codec + 1))
        && handlers.stream().noneMatch(FULL_PATH_FEATURES::contains);
  }
}
