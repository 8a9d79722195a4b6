package dev.junction.gateway.policy.idempotency;

import dev.junction.gateway.catalog.IdempotencyPolicy;
import dev.junction.gateway.policy.idempotency.IdempotencyRecord.StoredResponse;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.security.Callers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
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

  /**
   * Ahead of Spring Cloud Gateway's response writer, so that a proxied response passes through the
   * recording decorator too.
   */
  public static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

  /** The methods it applies to. */
  public static final Set<HttpMethod> UNSAFE =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private static final Logger log = LoggerFactory.getLogger(IdempotencyGatewayFilterFactory.class);
  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
  private static final Duration IN_PROGRESS_TTL = Duration.ofMinutes(1);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final int MAX_STORED_BODY = 1024 * 1024;
  private static final Set<Integer> NOT_KEPT = Set.of(401, 403, 408, 409, 425, 429);
  private static final Set<String> NOT_REPLAYED =
      Set.of(
          "x-run-id",
          "content-length",
          "transfer-encoding",
          "connection",
          "date",
          "ratelimit",
          "ratelimit-policy");

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
    GatewayFilter filter =
        (exchange, chain) -> {
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
                                  + sha256(caller(principal.orElse(null)) + "\n" + key);
                          return handle(cached, chain, policy, storeKey, fingerprint);
                        });
              });
        };
    return new OrderedGatewayFilter(filter, ORDER);
  }

  private Mono<Void> handle(
      ServerWebExchange exchange,
      org.springframework.cloud.gateway.filter.GatewayFilterChain chain,
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
      org.springframework.cloud.gateway.filter.GatewayFilterChain chain,
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
      org.springframework.cloud.gateway.filter.GatewayFilterChain chain,
      IdempotencyPolicy policy,
      String key,
      String fingerprint) {
    Recording response = new Recording(exchange.getResponse());
    return chain
        .filter(exchange.mutate().response(response).build())
        .then(Mono.defer(() -> keep(key, fingerprint, response, policy)))
        .onErrorResume(error -> store.release(key).onErrorComplete().then(Mono.error(error)));
  }

  private Mono<Void> keep(
      String key, String fingerprint, Recording response, IdempotencyPolicy policy) {
    HttpStatusCode status = response.getStatusCode();
    int code = status == null ? 200 : status.value();
    StoredResponse recorded = response.recorded(code);
    if (code >= 500 || NOT_KEPT.contains(code) || recorded == null) {
      return store.release(key).onErrorResume(this::storeFailed);
    }
    return store
        .complete(key, new IdempotencyRecord(fingerprint, recorded), policy.ttl())
        .onErrorResume(this::storeFailed);
  }

  private Mono<Void> storeFailed(Throwable error) {
    log.warn("idempotency store failed; the response was sent but not kept: {}", error.toString());
    return Mono.empty();
  }

  private static Mono<Void> replay(ServerWebExchange exchange, StoredResponse stored) {
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(HttpStatusCode.valueOf(stored.status()));
    stored.headers().forEach((name, values) -> response.getHeaders().put(name, values));
    response.getHeaders().set(REPLAYED_HEADER, "true");
    response.getHeaders().setContentLength(stored.body().length);
    if (stored.body().length == 0) {
      return response.setComplete();
    }
    return response.writeWith(
        Mono.fromSupplier(() -> response.bufferFactory().wrap(stored.body())));
  }

  private static ProblemException reused() {
    return new ProblemException(
        ProblemType.IDEMPOTENCY_KEY_REUSED.with(
            "this Idempotency-Key was sent before with another method, path or body; use a new"
                + " key for a new request"));
  }

  /** Method, path, query and body: what makes two requests the same request. */
  static String fingerprint(ServerWebExchange exchange, DataBuffer body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
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
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static String caller(Principal principal) {
    String client = Callers.clientId(principal);
    if (client != null) {
      return "client:" + client;
    }
    return principal == null ? "-" : "sub:" + principal.getName();
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Passes the response through and keeps a copy of what was written. */
  private static final class Recording extends ServerHttpResponseDecorator {

    private final AtomicReference<byte[]> body = new AtomicReference<>(new byte[0]);
    private final AtomicReference<Map<String, List<String>>> headers = new AtomicReference<>();
    private volatile boolean tooLarge;

    Recording(ServerHttpResponse delegate) {
      super(delegate);
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> content) {
      return DataBufferUtils.join(Flux.from(content))
          .flatMap(
              joined -> {
                if (joined.readableByteCount() > MAX_STORED_BODY) {
                  tooLarge = true;
                } else {
                  byte[] bytes = new byte[joined.readableByteCount()];
                  joined.toByteBuffer(0, java.nio.ByteBuffer.wrap(bytes), 0, bytes.length);
                  body.set(bytes);
                }
                snapshotHeaders();
                return super.writeWith(Mono.just(joined));
              })
          .switchIfEmpty(
              Mono.defer(
                  () -> {
                    snapshotHeaders();
                    return super.writeWith(Flux.empty());
                  }));
    }

    @Override
    public Mono<Void> writeAndFlushWith(
        Publisher<? extends Publisher<? extends DataBuffer>> content) {
      tooLarge = true; // a stream: nothing to replay
      return super.writeAndFlushWith(content);
    }

    @Override
    public Mono<Void> setComplete() {
      snapshotHeaders();
      return super.setComplete();
    }

    private void snapshotHeaders() {
      Map<String, List<String>> kept = new LinkedHashMap<>();
      getHeaders()
          .forEach(
              (name, values) -> {
                if (!NOT_REPLAYED.contains(name.toLowerCase(Locale.ROOT))) {
                  kept.put(name, List.copyOf(values));
                }
              });
      headers.compareAndSet(null, kept);
    }

    StoredResponse recorded(int status) {
      if (tooLarge) {
        return null;
      }
      Map<String, List<String>> kept = headers.get();
      return new StoredResponse(status, kept == null ? Map.of() : kept, body.get());
    }
  }
}
