package dev.junction.gateway.policy.idempotency;

import dev.junction.gateway.catalog.IdempotencyPolicy;
import dev.junction.gateway.policy.Hashes;
import dev.junction.gateway.policy.ResponseRecorder;
import dev.junction.gateway.policy.StoredResponse;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.security.Callers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Idempotency-Key} on unsafe calls (draft-ietf-httpapi-idempotency-key-header): the first
 * call with a key runs and its response is kept for the policy's TTL; a repeat with the same key
 * and the same request (method, path, query, body) gets that response again, with {@code
 * Idempotent-Replayed: true}, or waits for it while the first is still running (409 {@code
 * idempotency-key-in-use} after the policy's wait); the same key with another request gets 422
 * {@code idempotency-key-reused}. Keys are per caller (client, else subject) and operation.
 *
 * <p>Responses that say the call did not happen or may be retried (5xx, 401, 403, 408, 409, 425,
 * 429) and errors are not kept: the key is released, so a retry runs again. Responses over 1 MB are
 * not kept either.
 */
public final class IdempotencyGatewayFilterFactory
    extends AbstractGatewayFilterFactory<IdempotencyGatewayFilterFactory.Config> {

  /** The request header. */
  public static final String HEADER = "Idempotency-Key";

  /** Response header marking a replayed response. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  /** The methods it applies to. */
  public static final Set<HttpMethod> UNSAFE =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private static final Logger log = LoggerFactory.getLogger(IdempotencyGatewayFilterFactory.class);
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
  private static final Duration IN_PROGRESS_TTL = Duration.ofMinutes(1);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Set<Integer> NOT_KEPT = Set.of(401, 403, 408, 409, 425, 429);

  private final IdempotencyStore store;

  public IdempotencyGatewayFilterFactory(IdempotencyStore store) {
    super(Config.class);
    this.store = store;
  }

  /**
   * @param policy the operation's policy
   * @param routeId the route: keys never cross operations
   */
  public record Config(IdempotencyPolicy policy, String routeId) {}

  @Override
  public GatewayFilter apply(Config config) {
    IdempotencyPolicy policy = config.policy();
    return (exchange, chain) -> {
      if (!UNSAFE.contains(exchange.getRequest().getMethod())) {
        return chain.filter(exchange);
      }
      String key = exchange.getRequest().getHeaders().getFirst(HEADER);
      if (key == null) {
        return policy.required()
            ? Mono.error(
                new ProblemException(
                    ProblemType.IDEMPOTENCY_KEY_MISSING.with(
                        "send an Idempotency-Key header (a unique value per request)")))
            : chain.filter(exchange);
      }
      if (!KEY.matcher(key).matches()) {
        return Mono.error(
            new ProblemException(
                ProblemType.INVALID_REQUEST.with(
                    "Idempotency-Key must be 1 to 255 visible ASCII characters")));
      }
      return ServerWebExchangeUtils.cacheRequestBody(
          exchange,
          request -> {
            ServerWebExchange cached = exchange.mutate().request(request).build();
            DataBuffer body =
                exchange.getAttribute(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR);
            String fingerprint = fingerprint(cached, body);
            return cached
                .getPrincipal()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(
                    principal -> {
                      String storeKey =
                          "junction:idempotency:"
                              + config.routeId()
                              + ":"
                              + Hashes.sha256(Callers.key(principal.orElse(null)) + "\n" + key);
                      return handle(cached, chain, policy, storeKey, fingerprint);
                    });
          });
    };
  }

  private Mono<Void> handle(
      ServerWebExchange exchange,
      GatewayFilterChain chain,
      IdempotencyPolicy policy,
      String key,
      String fingerprint) {
    return store
        .claim(key, fingerprint, IN_PROGRESS_TTL)
        .map(Optional::of)
        .defaultIfEmpty(Optional.empty())
        .flatMap(
            found -> {
              if (found.isEmpty()) {
                return runAndKeep(exchange, chain, policy, key, fingerprint);
              }
              IdempotencyRecord record = found.get();
              if (!record.fingerprint().equals(fingerprint)) {
                return Mono.error(reused());
              }
              if (record.completed()) {
                return replay(exchange, record.response());
              }
              return awaitFirst(exchange, chain, policy, key, fingerprint);
            });
  }

  /** Polls until the first call's response is kept, or its key released, or the wait ends. */
  private Mono<Void> awaitFirst(
      ServerWebExchange exchange,
      GatewayFilterChain chain,
      IdempotencyPolicy policy,
      String key,
      String fingerprint) {
    return Flux.interval(POLL)
        .concatMap(tick -> store.get(key).map(Optional::of).defaultIfEmpty(Optional.empty()))
        .filter(state -> state.isEmpty() || state.get().completed())
        .next()
        .timeout(
            policy.maxWait(),
            Mono.error(
                new ProblemException(
                    ProblemType.IDEMPOTENCY_KEY_IN_USE.with(
                        "the first request with this key has not been answered within "
                            + policy.maxWait().toSeconds()
                            + " s; retry later"),
                    Map.of("Retry-After", "1"))))
        .flatMap(
            state -> {
              if (state.isEmpty()) {
                // the first call failed and released the key: this one runs
                return handle(exchange, chain, policy, key, fingerprint);
              }
              return state.get().fingerprint().equals(fingerprint)
                  ? replay(exchange, state.get().response())
                  : Mono.error(reused());
            });
  }

  private Mono<Void> runAndKeep(
      ServerWebExchange exchange,
      GatewayFilterChain chain,
      IdempotencyPolicy policy,
      String key,
      String fingerprint) {
    ResponseRecorder.onResponse(
        exchange,
        new ResponseRecorder.Listener() {
          @Override
          public Mono<Void> completed(int status, StoredResponse response) {
            if (status >= 500 || NOT_KEPT.contains(status) || response == null) {
              return store.release(key).onErrorResume(IdempotencyGatewayFilterFactory::storeFailed);
            }
            return store
                .complete(key, new IdempotencyRecord(fingerprint, response), policy.ttl())
                .onErrorResume(IdempotencyGatewayFilterFactory::storeFailed);
          }

          @Override
          public Mono<Void> failed(Throwable error) {
            return store.release(key);
          }
        });
    return chain.filter(exchange);
  }

  private static Mono<Void> storeFailed(Throwable error) {
    log.warn("idempotency store failed; the response was sent but not kept: {}", error.toString());
    return Mono.empty();
  }

  private static Mono<Void> replay(ServerWebExchange exchange, StoredResponse stored) {
    return stored.writeTo(exchange.getResponse(), Map.of(REPLAYED_HEADER, "true"));
  }

  private static ProblemException reused() {
    return new ProblemException(
        ProblemType.IDEMPOTENCY_KEY_REUSED.with(
            "this Idempotency-Key was sent before with another method, path or body; use a new"
                + " key for a new request"));
  }

  /** Method, path, query and body: what makes two requests the same request. */
  static String fingerprint(ServerWebExchange exchange, DataBuffer body) {
    MessageDigest digest = Hashes.sha256();
    digest.update(
        (exchange.getRequest().getMethod().name()
                + " "
                + exchange.getRequest().getURI().getRawPath()
                + "?"
                + exchange.getRequest().getURI().getRawQuery()
                + "\n")
            .getBytes(StandardCharsets.UTF_8));
    if (body != null) {
      digest.update(
          body.toString(StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.ISO_8859_1));
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
