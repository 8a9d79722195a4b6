package dev.junction.gateway.routing;

import dev.junction.gateway.catalog.ApiCatalog;
import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.ApiVersions;
import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.CachePolicy;
import dev.junction.gateway.catalog.IdempotencyPolicy;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.Policies;
import dev.junction.gateway.openapi.OpenApiExporter;
import dev.junction.gateway.passthrough.MockResponseGatewayFilterFactory;
import dev.junction.gateway.passthrough.PassThroughRoutes;
import dev.junction.gateway.policy.ResponseRecorder;
import dev.junction.gateway.policy.access.IpFilterGatewayFilterFactory;
import dev.junction.gateway.policy.access.RequestLimitsGatewayFilterFactory;
import dev.junction.gateway.policy.cache.ResponseCacheGatewayFilterFactory;
import dev.junction.gateway.policy.idempotency.IdempotencyGatewayFilterFactory;
import dev.junction.gateway.policy.jwt.JwtAuthenticationManagerResolver;
import dev.junction.gateway.policy.ratelimit.RateLimitGatewayFilterFactory;
import dev.junction.gateway.subscription.SubscriptionChecks;
import dev.junction.gateway.transform.TransformFilters;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Flux;

/**
 * The gateway's routes, built from the current API catalog. SCG's caching locator asks again after
 * each {@code RefreshRoutesEvent}, which the catalog service triggers on reload.
 *
 * <ul>
 *   <li>{@code GET /runs/{id}}: proxied to the orchestrator.
 *   <li>{@code GET /runs}, {@code POST /runs/{id}/cancel}, {@code POST /runs/{id}/resubmit}: the
 *       run history and control, for operators (scope {@value #RUNS_ADMIN_SCOPE}), proxied to the
 *       orchestrator with the caller's subject in {@value #PRINCIPAL_HEADER}.
 *   <li>one route per operation (method and path): IP filter, size limits, subscription key, scope
 *       check, the key's product limits, rate limits, idempotency (unsafe methods) or cache (safe
 *       methods), then body validation and the workflow call (composite), the proxy filters of
 *       {@link PassThroughRoutes} (pass-through), or the mock response.
 *   <li>{@code GET /apis/{api}/{version}/openapi.json} per API version: its OpenAPI document.
 *   <li>one route per operation path, after those: 405 for the methods the path does not serve.
 * </ul>
 *
 * Anything else matches no route and is answered 404 by the exception handler.
 */
public final class CatalogRouteLocator implements RouteLocator {

  /** Route metadata keys, read by {@link RequestMetricsFilter} for its tags. */
  static final String API = "junction.api";

  static final String OPERATION = "junction.operation";

  /** Placeholder URI of routes whose last filter answers the request itself. */
  private static final URI NO_UPSTREAM = URI.create("no://op");

  private static final String RUNS_PATH = "/runs/{id}";

  /** Scope of the run history and control routes. */
  public static final String RUNS_ADMIN_SCOPE = "runs:admin";

  /** Header carrying the caller's token subject to the orchestrator (whose API is internal). */
  public static final String PRINCIPAL_HEADER = "X-Junction-Principal";

  private final ApiCatalogService catalog;
  private final URI orchestratorUrl;
  private final ScopeCheckGatewayFilterFactory scopeCheck;
  private final BodyValidationGatewayFilterFactory bodyValidation;
  private final WorkflowGatewayFilterFactory workflow;
  private final MethodNotAllowedGatewayFilterFactory methodNotAllowed;
  private final PassThroughRoutes passThrough;
  private final MockResponseGatewayFilterFactory mock;
  private final OpenApiExporter openApi;
  private final RateLimitGatewayFilterFactory rateLimit;
  private final IdempotencyGatewayFilterFactory idempotency;
  private final ResponseCacheGatewayFilterFactory cache;
  private final SubscriptionChecks subscriptions;
  private final Clock clock;
  private final IpFilterGatewayFilterFactory ipFilter = new IpFilterGatewayFilterFactory();
  private final RequestLimitsGatewayFilterFactory requestLimits =
      new RequestLimitsGatewayFilterFactory();
  private final TransformFilters transforms = new TransformFilters();

  public CatalogRouteLocator(
      ApiCatalogService catalog,
      URI orchestratorUrl,
      ScopeCheckGatewayFilterFactory scopeCheck,
      BodyValidationGatewayFilterFactory bodyValidation,
      WorkflowGatewayFilterFactory workflow,
      MethodNotAllowedGatewayFilterFactory methodNotAllowed,
      PassThroughRoutes passThrough,
      MockResponseGatewayFilterFactory mock,
      OpenApiExporter openApi,
      RateLimitGatewayFilterFactory rateLimit,
      IdempotencyGatewayFilterFactory idempotency,
      ResponseCacheGatewayFilterFactory cache,
      SubscriptionChecks subscriptions,
      Clock clock) {
    this.catalog = catalog;
    this.orchestratorUrl = orchestratorUrl;
    this.scopeCheck = scopeCheck;
    this.bodyValidation = bodyValidation;
    this.workflow = workflow;
    this.methodNotAllowed = methodNotAllowed;
    this.passThrough = passThrough;
    this.mock = mock;
    this.openApi = openApi;
    this.rateLimit = rateLimit;
    this.idempotency = idempotency;
    this.cache = cache;
    this.subscriptions = subscriptions;
    this.clock = clock;
  }

  @Override
  public Flux<Route> getRoutes() {
    return Flux.defer(() -> Flux.fromIterable(routes(catalog.current())));
  }

  List<Route> routes(ApiCatalog current) {
    List<Route> routes = new ArrayList<>();
    int order = 0;
    routes.add(
        Route.async()
            .id("junction-runs")
            .order(order++)
            .uri(orchestratorUrl)
            .predicate(matches(Set.of(HttpMethod.GET), parse(RUNS_PATH)))
            // The orchestrator's run API is internal; the caller's token stops at the gateway.
            .filters(
                ordered(
                    List.of(
                        (exchange, chain) ->
                            chain.filter(
                                exchange
                                    .mutate()
                                    .request(
                                        r -> r.headers(h -> h.remove(HttpHeaders.AUTHORIZATION)))
                                    .build()))))
            .metadata(API, "runs")
            .metadata(OPERATION, "getRun")
            .build());
    routes.add(
        Route.async()
            .id("junction-runs-admin")
            .order(order++)
            .uri(orchestratorUrl)
            .predicate(
                matches(Set.of(HttpMethod.GET), parse("/runs"))
                    .or(matches(Set.of(HttpMethod.POST), parse("/runs/{id}/cancel")))
                    .or(matches(Set.of(HttpMethod.POST), parse("/runs/{id}/resubmit"))))
            .filters(
                ordered(
                    List.of(
                        scopeCheck.apply(
                            new ScopeCheckGatewayFilterFactory.Config(List.of(RUNS_ADMIN_SCOPE))),
                        (exchange, chain) ->
                            exchange
                                .getPrincipal()
                                .map(principal -> principal.getName())
                                .defaultIfEmpty("")
                                .flatMap(
                                    subject ->
                                        chain.filter(
                                            exchange
                                                .mutate()
                                                .request(
                                                    r ->
                                                        r.headers(
                                                            h -> {
                                                              h.remove(HttpHeaders.AUTHORIZATION);
                                                              h.set(PRINCIPAL_HEADER, subject);
                                                            }))
                                                .build())))))
            .metadata(API, "runs")
            .metadata(OPERATION, "runsAdmin")
            .build());
    Map<String, Set<String>> methodsByPath = new LinkedHashMap<>();
    Map<String, String> apiByPath = new LinkedHashMap<>();
    VersionSelection selection = new VersionSelection(ApiVersions.of(current.apis()));
    for (ApiDefinition api : current.apis()) {
      routes.add(
          Route.async()
              .id(api.revisionId() + "-openapi")
              .order(order++)
              .uri(NO_UPSTREAM)
              .predicate(
                  matches(Set.of(HttpMethod.GET), parse(OpenApiExporter.path(api)))
                      .and(selection.revision(api)))
              .filters(ordered(List.of(openApi.filter(api))))
              .metadata(API, api.id())
              .metadata(OPERATION, "openapi")
              .build());
      for (Operation operation : bySpecificity(api.operations())) {
        PathPattern pattern = parse(operation.path());
        Set<String> allowed =
            methodsByPath.computeIfAbsent(pattern.getPatternString(), p -> new TreeSet<>());
        // the API's method allow-list: other methods are answered 405 by the path's route
        if (api.methods() == null || api.methods().contains(operation.method())) {
          routes.add(operationRoute(api, operation, order++, selection));
          allowed.add(operation.method().name());
        }
        apiByPath.putIfAbsent(pattern.getPatternString(), api.id());
      }
    }
    // after the operations, which they would shadow; before the 405s, which would hide them
    for (VersionSelection.Selection error : selection.errors(current.apis())) {
      routes.add(
          Route.async()
              .id("version-selection " + error.api() + " " + error.basePath())
              .order(order++)
              .uri(NO_UPSTREAM)
              .predicate(error.matches())
              .filters(ordered(List.of(error.filter())))
              .metadata(API, error.api())
              .metadata(OPERATION, "version-selection")
              .build());
    }
    for (Map.Entry<String, Set<String>> path : methodsByPath.entrySet()) {
      routes.add(
          Route.async()
              .id("method-not-allowed " + path.getKey())
              .order(order++)
              .uri(NO_UPSTREAM)
              .predicate(matches(null, parse(path.getKey())))
              .filters(
                  ordered(
                      List.of(
                          methodNotAllowed.apply(
                              new MethodNotAllowedGatewayFilterFactory.Config(path.getValue())))))
              .metadata(API, apiByPath.get(path.getKey()))
              .metadata(OPERATION, "method-not-allowed")
              .build());
    }
    return routes;
  }

  /** The route of one operation: its filters depend on where its calls go. */
  private Route operationRoute(
      ApiDefinition api, Operation operation, int order, VersionSelection selection) {
    String routeId = api.revisionId() + "-" + operation.id();
    List<GatewayFilter> filters = new ArrayList<>();
    Policies policies = operation.policies();
    Optional<IdempotencyPolicy> idempotent =
        policies
            .idempotency()
            .filter(p -> IdempotencyGatewayFilterFactory.UNSAFE.contains(operation.method()));
    Optional<CachePolicy> cached =
        policies
            .cache()
            .filter(p -> ResponseCacheGatewayFilterFactory.SAFE.contains(operation.method()));
    if (idempotent.isPresent() || cached.isPresent()) {
      filters.add(ResponseRecorder.filter(clock));
    }
    operation
        .policies()
        .ipFilter()
        .ifPresent(
            policy -> filters.add(ipFilter.apply(new IpFilterGatewayFilterFactory.Config(policy))));
    operation
        .policies()
        .requestLimits()
        .ifPresent(
            limits ->
                filters.add(
                    requestLimits.apply(new RequestLimitsGatewayFilterFactory.Config(limits))));
    filters.add(subscriptions.check(api.name(), api.version(), policies.subscription()));
    filters.add(scopeCheck.apply(new ScopeCheckGatewayFilterFactory.Config(operation.scopes())));
    filters.add(subscriptions.limits());
    if (!operation.rateLimits().isEmpty()) {
      filters.add(
          rateLimit.apply(new RateLimitGatewayFilterFactory.Config(operation.rateLimits())));
    }
    idempotent.ifPresent(
        policy ->
            filters.add(
                idempotency.apply(new IdempotencyGatewayFilterFactory.Config(policy, routeId))));
    cached.ifPresent(
        policy ->
            filters.add(
                cache.apply(
                    new ResponseCacheGatewayFilterFactory.Config(policy, routeId, api.id()))));
    URI uri = NO_UPSTREAM;
    Map<String, Object> metadata = new LinkedHashMap<>();
    filters.addAll(transforms.response(policies.transforms().response()));
    List<GatewayFilter> requestTransforms = transforms.request(policies.transforms().request());
    switch (operation.backend()) {
      case Backend.Workflow w -> {
        filters.addAll(requestTransforms);
        operation
            .requestSchema()
            .ifPresent(
                schema ->
                    filters.add(
                        bodyValidation.apply(
                            new BodyValidationGatewayFilterFactory.Config(
                                schema, operation.unknownFields()))));
        filters.add(workflow.apply(new WorkflowGatewayFilterFactory.Config(operation)));
      }
      case Backend.Http http -> {
        filters.addAll(
            passThrough.filters(operation, http, api.basePath(), routeId, requestTransforms));
        uri = http.url();
        metadata.putAll(PassThroughRoutes.metadata(http));
      }
      case Backend.Mock m ->
          filters.add(mock.apply(new MockResponseGatewayFilterFactory.Config(m.response())));
    }
    metadata.put(API, api.id());
    metadata.put(OPERATION, operation.id());
    policies
        .jwt()
        .ifPresent(jwt -> metadata.put(JwtAuthenticationManagerResolver.ROUTE_METADATA, jwt));
    return Route.async()
        .id(routeId)
        .order(order)
        .uri(uri)
        .predicate(
            matches(Set.of(operation.method()), parse(operation.path()))
                .and(selection.selects(api)))
        .filters(ordered(filters))
        .metadata(metadata)
        .build();
  }

  /**
   * Literal segments before variables ({@code /pet/findByStatus} before {@code /pet/{petId}}), so a
   * variable never captures a path that has its own operation.
   */
  public static List<Operation> bySpecificity(List<Operation> operations) {
    return operations.stream()
        .sorted(
            Comparator.comparing(
                (Operation operation) -> parse(operation.path()),
                PathPattern.SPECIFICITY_COMPARATOR))
        .toList();
  }

  /**
   * Orders route filters 1, 2, 3... An unordered filter sorts with SCG's global filters at lowest
   * precedence, after the routing filter that proxies the request, so it would run too late. A
   * filter that brings its own order (one that must wrap SCG's response writer) keeps it.
   */
  private static List<GatewayFilter> ordered(List<GatewayFilter> filters) {
    List<GatewayFilter> ordered = new ArrayList<>();
    for (int i = 0; i < filters.size(); i++) {
      GatewayFilter filter = filters.get(i);
      ordered.add(
          filter instanceof OrderedGatewayFilter own
              ? own
              : new OrderedGatewayFilter(filter, i + 1));
    }
    return ordered;
  }

  private static PathPattern parse(String path) {
    return PathPatternParser.defaultInstance.parse(path);
  }

  /** Method (any when null) and path; exposes the path's variables like SCG's Path predicate. */
  private static Predicate<ServerWebExchange> matches(
      Set<HttpMethod> methods, PathPattern pattern) {
    return exchange -> {
      if (methods != null && !methods.contains(exchange.getRequest().getMethod())) {
        return false;
      }
      PathPattern.PathMatchInfo match =
          pattern.matchAndExtract(exchange.getRequest().getPath().pathWithinApplication());
      if (match == null) {
        return false;
      }
      ServerWebExchangeUtils.putUriTemplateVariables(exchange, match.getUriVariables());
      return true;
    };
  }
}
