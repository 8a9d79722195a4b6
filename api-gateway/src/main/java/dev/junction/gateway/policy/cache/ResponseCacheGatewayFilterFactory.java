package dev.junction.gateway.policy.cache;

import dev.junction.gateway.catalog.CachePolicy;
import dev.junction.gateway.policy.Hashes;
import dev.junction.gateway.policy.ResponseRecorder;
import dev.junction.gateway.policy.StoredResponse;
import dev.junction.gateway.security.Callers;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Caches the responses of safe calls (GET, HEAD). The key always holds the route, the method and
 * the path, and as the policy says the query, the listed request headers and the caller (client id,
 * else subject), so a response is never answered to another route, or to another caller unless the
 * policy shares it. {@code Cache-Control} is honoured: a request's {@code no-store} bypasses the
 * cache, its {@code no-cache} or {@code max-age=0} fetches afresh; a response's {@code no-store},
 * {@code no-cache}, {@code Set-Cookie} or (without {@code varyByCaller}) {@code private} keeps it
 * out; its {@code s-maxage} or {@code max-age} shortens the TTL. A hit carries {@code Age} and
 * {@code X-Junction-Cache: hit}; a stored miss {@code X-Junction-Cache: miss}.
 */
public final class ResponseCacheGatewayFilterFactory
    extends AbstractGatewayFilterFactory<ResponseCacheGatewayFilterFactory.Config> {

  /** Response header telling whether the answer came from the cache. */
  public static final String CACHE_HEADER = "X-Junction-Cache";

  /** The methods it applies to. */
  public static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD);

  private static final Logger log =
      LoggerFactory.getLogger(ResponseCacheGatewayFilterFactory.class);
  private static final Set<Integer> CACHEABLE = Set.of(200, 203, 204, 300, 301, 404, 410);

  private final ResponseCacheStore store;
  private final MeterRegistry meters;
  private final Clock clock;

  public ResponseCacheGatewayFilterFactory(
      ResponseCacheStore store, MeterRegistry meters, Clock clock) {
    super(Config.class);
    this.store = store;
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * @param policy the operation's policy
   * @param routeId the route, always part of the key
   * @param api the API, the metrics tag
   */
  public record Config(CachePolicy policy, String routeId, String api) {}

  @Override
  public GatewayFilter apply(Config config) {
    CachePolicy policy = config.policy();
    return (exchange, chain) -> {
      if (!SAFE.contains(exchange.getRequest().getMethod())) {
        return chain.filter(exchange);
      }
      CacheControl request =
          CacheControl.parse(exchange.getRequest().getHeaders().get(HttpHeaders.CACHE_CONTROL));
      if (request.noStore()) {
        count(config, "bypass");
        return chain.filter(exchange);
      }
      return exchange
          .getPrincipal()
          .map(Optional::of)
          .defaultIfEmpty(Optional.empty())
          .flatMap(
              principal -> {
                String key = key(config, exchange, principal.orElse(null));
                boolean fresh =
                    request.noCache() || request.maxAge().filter(Duration::isZero).isPresent();
                Mono<StoredResponse> cached =
                    fresh
                        ? Mono.empty()
                        : store.get(key).onErrorResume(error -> storeFailed(error));
                // not switchIfEmpty: answering a hit completes empty too
                return cached
                    .map(Optional::of)
                    .defaultIfEmpty(Optional.empty())
                    .flatMap(
                        hit ->
                            hit.isPresent()
                                ? answer(config, exchange, hit.get())
                                : fetch(config, exchange, chain, key));
              });
    };
  }

  private Mono<Void> answer(Config config, ServerWebExchange exchange, StoredResponse hit) {
    count(config, "hit");
    long age = Math.max(0, (clock.millis() - hit.storedAt()) / 1000);
    return hit.writeTo(
        exchange.getResponse(), Map.of(HttpHeaders.AGE, Long.toString(age), CACHE_HEADER, "hit"));
  }

  private Mono<Void> fetch(
      Config config,
      ServerWebExchange exchange,
      org.springframework.cloud.gateway.filter.GatewayFilterChain chain,
      String key) {
    count(config, "miss");
    exchange.getResponse().getHeaders().set(CACHE_HEADER, "miss");
    ResponseRecorder.onResponse(
        exchange,
        new ResponseRecorder.Listener() {
          @Override
          public Mono<Void> completed(int status, StoredResponse response) {
            return ttl(config.policy(), status, response)
                .map(
                    ttl -> store.put(key, response, ttl).onErrorResume(error -> storeFailed(error)))
                .orElse(Mono.empty());
          }

          @Override
          public Mono<Void> failed(Throwable error) {
            return Mono.empty();
          }
        });
    return chain.filter(exchange);
  }

  /** How long a response may be kept, or empty when it must not be. */
  static Optional<Duration> ttl(CachePolicy policy, int status, StoredResponse response) {
    if (response == null || !CACHEABLE.contains(status)) {
      return Optional.empty();
    }
    Map<String, java.util.List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(response.headers());
    if (headers.containsKey(HttpHeaders.SET_COOKIE)) {
      return Optional.empty();
    }
    CacheControl control = CacheControl.parse(headers.get(HttpHeaders.CACHE_CONTROL));
    if (control.noStore() || control.noCache() || (control.isPrivate() && !policy.varyByCaller())) {
      return Optional.empty();
    }
    Duration ttl =
        control.lifetime().filter(l -> l.compareTo(policy.ttl()) < 0).orElse(policy.ttl());
    return ttl.isZero() || ttl.isNegative() ? Optional.empty() : Optional.of(ttl);
  }

  /** Route, method, path and, as the policy says, query, headers and caller. */
  static String key(Config config, ServerWebExchange exchange, Principal principal) {
    CachePolicy policy = config.policy();
    StringBuilder key =
        new StringBuilder()
            .append(exchange.getRequest().getMethod().name())
            .append(' ')
            .append(exchange.getRequest().getURI().getRawPath());
    if (policy.varyByQuery()) {
      // parameters in a stable order: ?a=1&b=2 and ?b=2&a=1 are the same request
      new TreeMap<>(exchange.getRequest().getQueryParams())
          .forEach((name, values) -> key.append('\n').append(name).append('=').append(values));
    }
    for (String header : policy.varyByHeaders()) {
      key.append("\nh:")
          .append(header.toLowerCase(java.util.Locale.ROOT))
          .append('=')
          .append(exchange.getRequest().getHeaders().getValuesAsList(header));
    }
    if (policy.varyByCaller()) {
      key.append("\ncaller=").append(Callers.key(principal));
    }
    return "junction:cache:" + config.routeId() + ":" + Hashes.sha256(key.toString());
  }

  private void count(Config config, String result) {
    meters.counter("junction.gateway.cache", "api", config.api(), "result", result).increment();
  }

  private static <T> Mono<T> storeFailed(Throwable error) {
    log.warn("response cache store failed; answering from the backend: {}", error.toString());
    return Mono.empty();
  }
}
