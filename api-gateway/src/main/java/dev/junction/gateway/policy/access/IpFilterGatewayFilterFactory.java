package dev.junction.gateway.policy.access;

import dev.junction.gateway.catalog.IpFilterPolicy;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.security.web.server.util.matcher.IpAddressServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Admits or refuses a call by the caller's address (the connection's remote address; behind a
 * proxy, set {@code server.forward-headers-strategy=framework} so that {@code Forwarded} / {@code
 * X-Forwarded-For} from trusted proxies count): 403 {@code address-denied} when it falls in a
 * {@code deny} range, or outside every {@code allow} range when there are any. CIDR matching is
 * Spring Security's {@link IpAddressServerWebExchangeMatcher} (IPv4 and IPv6).
 */
public final class IpFilterGatewayFilterFactory
    extends AbstractGatewayFilterFactory<IpFilterGatewayFilterFactory.Config> {

  public IpFilterGatewayFilterFactory() {
    super(Config.class);
  }

  /**
   * @param policy the ranges
   */
  public record Config(IpFilterPolicy policy) {}

  @Override
  public GatewayFilter apply(Config config) {
    List<ServerWebExchangeMatcher> allow = matchers(config.policy().allow());
    List<ServerWebExchangeMatcher> deny = matchers(config.policy().deny());
    return (exchange, chain) ->
        matchesAny(deny, exchange)
            .flatMap(
                denied ->
                    denied
                        ? Mono.just(false)
                        : allow.isEmpty() ? Mono.just(true) : matchesAny(allow, exchange))
            .flatMap(
                admitted -> {
                  if (admitted) {
                    return chain.filter(exchange);
                  }
                  InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
                  InetAddress address = remote == null ? null : remote.getAddress();
                  return Mono.error(
                      new ProblemException(
                          ProblemType.ADDRESS_DENIED.with(
                              "calls from "
                                  + (address == null
                                      ? "an unknown address"
                                      : address.getHostAddress())
                                  + " are not allowed here")));
                });
  }

  private static List<ServerWebExchangeMatcher> matchers(List<String> ranges) {
    return ranges.stream()
        .<ServerWebExchangeMatcher>map(IpAddressServerWebExchangeMatcher::new)
        .toList();
  }

  private static Mono<Boolean> matchesAny(
      List<ServerWebExchangeMatcher> ranges, ServerWebExchange exchange) {
    return Flux.fromIterable(ranges)
        .concatMap(range -> range.matches(exchange))
        .any(ServerWebExchangeMatcher.MatchResult::isMatch);
  }
}
