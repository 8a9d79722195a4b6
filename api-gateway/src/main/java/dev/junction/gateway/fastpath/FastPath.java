package dev.junction.gateway.fastpath;

import dev.junction.gateway.catalog.ApiCatalog;
import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.ApiVersions;
import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.JwtPolicy;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.Policies;
import dev.junction.gateway.catalog.RateLimitPolicy;
import dev.junction.gateway.catalog.Versioning;
import dev.junction.gateway.openapi.OpenApiExporter;
import dev.junction.gateway.passthrough.BackendCircuitBreakers;
import dev.junction.gateway.policy.jwt.TokenVerifier;
import dev.junction.gateway.policy.jwt.TrustedIssuers;
import dev.junction.gateway.policy.ratelimit.RateLimitGatewayFilterFactory;
import dev.junction.gateway.policy.ratelimit.RateLimiter;
import dev.junction.gateway.routing.CatalogRouteLocator;
import dev.junction.gateway.routing.ScopeCheckGatewayFilterFactory;
import dev.junction.gateway.security.BearerTokenConverter;
import dev.junction.gateway.security.RequestFirewall;
import dev.junction.gateway.subscription.SubscriptionChecks;
import io.github.bucket4j.ConsumptionProbe;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.springframework.http.server.PathContainer;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Decides which calls the gateway's fast path answers: {@code GET} calls of pass-through operations
 * whose policies it implements (JWT, scopes, one rate limit in memory, the backend's timeout, retry
 * and circuit breaker), from a client whose token the full path verified before. Everything else,
 * and every call that would be refused, takes the full path (Spring Security and Spring Cloud
 * Gateway), which renders the same problems it always did. So the fast path only ever serves calls
 * the full path would serve, and admits them by the same rules: the operation found the way {@code
 * CatalogRouteLocator} orders its routes, the token's API rules and scopes, the same rate-limit
 * bucket and circuit breaker.
 */
public final class FastPath {

  /** Request headers that make a call the full path's (CORS, versions, traces, key auth, ...). */
  private static final List<String> FULL_PATH_HEADERS =
      List.of(
          "origin",
          "expect",
          "traceparent",
          "b3",
          ApiVersions.VERSION_HEADER,
          ApiVersions.REVISION_HEADER);

  /** Paths other handlers than the catalog's routes may answer. */
  private static final List<String> RESERVED_PREFIXES = List.of("/actuator", "/portal");

  private final ApiCatalogService catalog;
  private final TrustedIssuers issuers;
  private final TokenVerifier tokens;
  private final RateLimiter limiter;
  private final BackendCircuitBreakers breakers;
  private final SubscriptionChecks subscriptions;
  private final JwtAuthenticationConverter authentication = new JwtAuthenticationConverter();
  private volatile Table table;

  public FastPath(
      ApiCatalogService catalog,
      TrustedIssuers issuers,
      TokenVerifier tokens,
      RateLimiter limiter,
      BackendCircuitBreakers breakers,
      SubscriptionChecks subscriptions) {
    this.catalog = catalog;
    this.issuers = issuers;
    this.tokens = tokens;
    this.limiter = limiter;
    this.breakers = breakers;
    this.subscriptions = subscriptions;
  }

  /** A call the fast path serves: its route, the backend's path and the policies' headers. */
  record Admitted(FastRoute route, String backendUri, Map<String, String> rateLimitHeaders) {}

  /**
   * The call, if the fast path serves it; {@code null} sends it down the full path. Admitting a
   * call takes its rate-limit token and circuit-breaker permission.
   */
  Admitted admit(HttpRequest request, SocketAddress remote) {
    if (request.method() != HttpMethod.GET
        || request.protocolVersion() != HttpVersion.HTTP_1_1
        || !request.decoderResult().isSuccess()
        || HttpUtil.isTransferEncodingChunked(request)
        || HttpUtil.getContentLength(request, 0L) != 0L) {
      return null;
    }
    HttpHeaders headers = request.headers();
    for (String name : FULL_PATH_HEADERS) {
      if (headers.contains(name)) {
        return null;
      }
    }
    // this server speaks HTTP/1.1 only: a client offering HTTP/2 (h2c) is answered in HTTP/1.1
    // on either path; any other upgrade (WebSocket) is the full path's
    String upgrade = headers.get(HttpHeaderNames.UPGRADE);
    if (upgrade != null && !"h2c".equalsIgnoreCase(upgrade)) {
      return null;
    }
    if (headers.contains(subscriptions.header()) || !allowedHeaders(headers)) {
      return null;
    }
    String uri = request.uri();
    int question = uri.indexOf('?');
    String path = question < 0 ? uri : uri.substring(0, question);
    String query = question < 0 ? null : uri.substring(question + 1);
    if (!cleanPath(path) || (query != null && !cleanQuery(query))) {
      return null;
    }
    FastRoute route = table().match(path);
    if (route == null) {
      return null;
    }
    AbstractAuthenticationToken caller = caller(route, headers.get(HttpHeaderNames.AUTHORIZATION));
    if (caller == null
        || !ScopeCheckGatewayFilterFactory.granted(caller).containsAll(route.scopes())) {
      return null;
    }
    Operation operation = route.operation();
    if (subscriptions.keyNeeded(operation.api(), operation.apiVersion(), route.subscription())) {
      return null;
    }
    CircuitBreaker breaker = route.breaker();
    if (breaker != null && !breaker.tryAcquirePermission()) {
      return null;
    }
    Admitted admitted = null;
    try {
      Map<String, String> limits =
          route.rateLimit() == null ? Map.of() : rateLimit(route, caller, headers, remote);
      if (limits != null) {
        admitted = new Admitted(route, route.backendUri(path, query), limits);
      }
      return admitted;
    } finally {
      if (admitted == null && breaker != null) {
        breaker.releasePermission(); // the full path asks the breaker again
      }
    }
  }

  /** The caller of a token the full path verified before and this operation accepts, or null. */
  private AbstractAuthenticationToken caller(FastRoute route, String authorization) {
    String token;
    try {
      token = BearerTokenConverter.token(authorization);
    } catch (RuntimeException malformed) {
      return null;
    }
    Jwt jwt = token == null ? null : tokens.remembered(token);
    if (jwt == null) {
      return null;
    }
    try {
      return authentication.convert(route.rules().check(jwt));
    } catch (RuntimeException refused) {
      return null;
    }
  }

  /** The rate-limit headers of an admitted call; null when refused or the store is remote. */
  private Map<String, String> rateLimit(
      FastRoute route,
      AbstractAuthenticationToken caller,
      HttpHeaders headers,
      SocketAddress remote) {
    RateLimitPolicy policy = route.rateLimit();
    // no subscription: a call with a key takes the full path
    String bucket = RateLimitGatewayFilterFactory.key(policy, caller, remote, headers::get, "-");
    ConsumptionProbe probe = limiter.tryConsumeNow(bucket, route.bucket(), policy.window());
    if (probe == null || !probe.isConsumed()) {
      return null;
    }
    return RateLimitGatewayFilterFactory.headers(
        List.of(RateLimitGatewayFilterFactory.outcome(policy, probe)));
  }

  private Table table() {
    ApiCatalog current = catalog.current();
    Table known = table;
    if (known == null || known.source() != current) {
      known = build(current);
      table = known;
    }
    return known;
  }

  /**
   * Every {@code GET} route of the catalog that a call without version or revision headers can
   * reach, in the order {@code CatalogRouteLocator} gives them, each with its fast route or {@code
   * null} when its calls take the full path.
   */
  private Table build(ApiCatalog current) {
    List<Row> rows = new ArrayList<>();
    rows.add(new Row(parse("/runs/{id}"), null));
    rows.add(new Row(parse("/runs"), null));
    ApiVersions versions = ApiVersions.of(current.apis());
    for (ApiDefinition api : current.apis()) {
      if (!versions.isCurrent(api)) {
        continue;
      }
      rows.add(new Row(parse(OpenApiExporter.path(api)), null));
      for (Operation operation : CatalogRouteLocator.bySpecificity(api.operations())) {
        if (operation.method() != org.springframework.http.HttpMethod.GET
            || (api.methods() != null && !api.methods().contains(operation.method()))) {
          continue;
        }
        FastRoute route =
            api.versioning().scheme() == Versioning.Scheme.HEADER ? null : route(api, operation);
        rows.add(new Row(parse(operation.path()), route));
      }
    }
    return new Table(current, List.copyOf(rows));
  }

  /** The operation's fast route, or {@code null} when a policy of it needs the full path. */
  private FastRoute route(ApiDefinition api, Operation operation) {
    if (!(operation.backend() instanceof Backend.Http http)
        || !"http".equalsIgnoreCase(http.url().getScheme())) {
      return null;
    }
    Policies policies = operation.policies();
    if (policies.ipFilter().isPresent()
        || policies.requestLimits().isPresent()
        || policies.cache().isPresent()
        || !policies.transforms().isEmpty()
        || operation.rateLimits().size() > 1) {
      return null;
    }
    URI url = http.url();
    int port = url.getPort() < 0 ? 80 : url.getPort();
    String hostHeader = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
    RateLimitPolicy rateLimit =
        operation.rateLimits().isEmpty() ? null : operation.rateLimits().getFirst();
    return new FastRoute(
        api.id(),
        operation,
        http,
        url.getHost(),
        port,
        hostHeader,
        api.basePath().split("/").length - 1,
        url.getRawPath() == null ? "" : url.getRawPath(),
        issuers.rules(policies.jwt().orElse(JwtPolicy.DEFAULTS)),
        rateLimit,
        rateLimit == null ? null : RateLimitGatewayFilterFactory.configuration(rateLimit),
        breakers.breaker(operation, http),
        policies.subscription());
  }

  private static PathPattern parse(String path) {
    return PathPatternParser.defaultInstance.parse(path);
  }

  /**
   * Printable ASCII path characters only, without percent-encoding, dot segments, empty segments or
   * parameters: anything else is left to the full path and its firewall.
   */
  static boolean cleanPath(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return false;
    }
    for (String reserved : RESERVED_PREFIXES) {
      if (path.startsWith(reserved)) {
        return false;
      }
    }
    int length = path.length();
    for (int i = 0; i < length; i++) {
      char c = path.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '/'
              || c == '-'
              || c == '_'
              || c == '~'
              || c == '.'
              || c == '!'
              || c == '$'
              || c == '&'
              || c == '\''
              || c == '('
              || c == ')'
              || c == '*'
              || c == '+'
              || c == ','
              || c == '='
              || c == ':'
              || c == '@';
      if (!allowed) {
        return false;
      }
      if (c == '/' && i + 1 < length && path.charAt(i + 1) == '/') {
        return false;
      }
      if (c == '.' && path.charAt(i - 1) == '/') {
        int end = i + 1 < length && path.charAt(i + 1) == '.' ? i + 2 : i + 1;
        if (end == length || path.charAt(end) == '/') {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Printable ASCII without backslashes or semicolons (percent-encoding is fine: the query goes to
   * the backend as it came, on either path).
   */
  static boolean cleanQuery(String query) {
    int length = query.length();
    for (int i = 0; i < length; i++) {
      char c = query.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '\\' || c == ';') {
        return false;
      }
    }
    return true;
  }

  private static boolean allowedHeaders(HttpHeaders headers) {
    for (Entry<String, String> header : headers) {
      if (!RequestFirewall.allowedHeaderValue(header.getKey())
          || !RequestFirewall.allowedHeaderValue(header.getValue())) {
        return false;
      }
    }
    return true;
  }

  private record Row(PathPattern pattern, FastRoute route) {}

  /** The catalog's {@code GET} routes in order, for one catalog version. */
  private record Table(ApiCatalog source, List<Row> rows) {

    FastRoute match(String path) {
      PathContainer container = PathContainer.parsePath(path);
      for (Row row : rows) {
        if (row.pattern().matches(container)) {
          return row.route();
        }
      }
      return null;
    }
  }
}
