package dev.junction.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.gateway.catalog.ApiCatalog;
import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.CatalogLoader;
import dev.junction.gateway.catalog.OnTimeout;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.Policies;
import dev.junction.gateway.catalog.UnknownFields;
import dev.junction.gateway.openapi.OpenApiExporter;
import dev.junction.gateway.passthrough.BackendCircuitBreakers;
import dev.junction.gateway.passthrough.MockResponseGatewayFilterFactory;
import dev.junction.gateway.passthrough.PassThroughRoutes;
import dev.junction.gateway.policy.cache.MemoryResponseCacheStore;
import dev.junction.gateway.policy.cache.ResponseCacheGatewayFilterFactory;
import dev.junction.gateway.policy.idempotency.IdempotencyGatewayFilterFactory;
import dev.junction.gateway.policy.idempotency.MemoryIdempotencyStore;
import dev.junction.gateway.policy.ratelimit.LocalRateLimiter;
import dev.junction.gateway.policy.ratelimit.RateLimitGatewayFilterFactory;
import dev.junction.gateway.problem.ProblemWriter;
import dev.junction.gateway.reply.PendingReplies;
import dev.junction.gateway.reply.RequestReplyClient;
import dev.junction.gateway.schema.JsonAvroConverter;
import dev.junction.gateway.subscription.InMemorySubscriptionStore;
import dev.junction.gateway.subscription.ProductService;
import dev.junction.gateway.subscription.SubscriptionChecks;
import dev.junction.gateway.subscription.SubscriptionProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.OrderedGatewayFilter;
import org.springframework.cloud.gateway.filter.factory.PrefixPathGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.RetryGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.StripPrefixGatewayFilterFactory;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

class CatalogRouteLocatorTest {

  private final ProblemWriter problems = new ProblemWriter(JsonMapper.shared());
  private final CatalogRouteLocator locator =
      new CatalogRouteLocator(
          new ApiCatalogService(
              Path.of("unused"),
              new CatalogLoader(Duration.ofSeconds(1)),
              Duration.ofSeconds(1),
              c -> {}),
          URI.create("http://127.0.0.1:8081"),
          new ScopeCheckGatewayFilterFactory(problems),
          new BodyValidationGatewayFilterFactory(
              new JsonAvroConverter(JsonMapper.shared()), problems, 1024),
          new WorkflowGatewayFilterFactory(
              new RequestReplyClient(
                  (request, trace) -> CompletableFuture.completedFuture(null),
                  new PendingReplies(1),
                  Clock.systemUTC(),
                  new SimpleMeterRegistry()),
              new WorkflowResponses(
                  problems, JsonMapper.shared(), new JsonAvroConverter(JsonMapper.shared())),
              problems,
              "gateway.replies",
              0,
              1024,
              Clock.systemUTC()),
          new MethodNotAllowedGatewayFilterFactory(problems),
          new PassThroughRoutes(
              new StripPrefixGatewayFilterFactory(),
              new PrefixPathGatewayFilterFactory(),
              new RetryGatewayFilterFactory(),
              new BackendCircuitBreakers(CircuitBreakerRegistry.ofDefaults())),
          new MockResponseGatewayFilterFactory(),
          new OpenApiExporter(JsonMapper.shared()),
          new RateLimitGatewayFilterFactory(new LocalRateLimiter(10), new SimpleMeterRegistry()),
          new IdempotencyGatewayFilterFactory(new MemoryIdempotencyStore(10)),
          new ResponseCacheGatewayFilterFactory(
              new MemoryResponseCacheStore(10), new SimpleMeterRegistry(), Clock.systemUTC()),
          new SubscriptionChecks(
              new InMemorySubscriptionStore(),
              new ProductService(Path.of("no-products"), Duration.ofSeconds(1), null),
              new RateLimitGatewayFilterFactory(
                  new LocalRateLimiter(10), new SimpleMeterRegistry()),
              SubscriptionProperties.DEFAULT_HEADER),
          Clock.systemUTC());

  private final ApiCatalog catalog =
      new ApiCatalog(
          List.of(
              new ApiDefinition(
                  "orders",
                  "v1",
                  "Orders",
                  null,
                  "/orders/v1",
                  List.of(
                      WorkflowResponsesTest.operation(OnTimeout.ACCEPTED),
                      new Operation(
                          "orders",
                          "v1",
                          "getOrder",
                          HttpMethod.GET,
                          "/orders/v1/orders/{orderId}",
                          null,
                          List.of(),
                          Optional.empty(),
                          Optional.empty(),
                          UnknownFields.REFUSE,
                          new Backend.Workflow("get-order"),
                          Duration.ofSeconds(5),
                          OnTimeout.ACCEPTED,
                          Policies.NONE)),
                  "orders-v1.yaml")));

  @Test
  void buildsRunsOperationAndMethodNotAllowedRoutesInOrder() {
    List<Route> routes = locator.routes(catalog);

    assertThat(routes)
        .extracting(Route::getId)
        .containsExactly(
            "junction-runs",
            "junction-runs-admin",
            "orders-v1-openapi",
            "orders-v1-createOrder",
            "orders-v1-getOrder",
            "version-selection orders /orders/v1",
            "method-not-allowed /orders/v1/orders",
            "method-not-allowed /orders/v1/orders/{orderId}");
    assertThat(routes).extracting(Route::getOrder).isSorted();
  }

  @Test
  void ordersRouteFiltersAheadOfTheGatewaysGlobalFilters() {
    for (Route route : locator.routes(catalog)) {
      assertThat(route.getFilters())
          .allSatisfy(filter -> assertThat(filter).isInstanceOf(OrderedGatewayFilter.class))
          .extracting(filter -> ((Ordered) filter).getOrder())
          .allSatisfy(order -> assertThat(order).isLessThan(10_000));
    }
  }

  @Test
  void matchesMethodAndPathAndExposesPathVariables() {
    Route getOrder = route("orders-v1-getOrder");
    MockServerWebExchange exchange =
        MockServerWebExchange.from(MockServerHttpRequest.get("/orders/v1/orders/o-7"));

    assertThat(Mono.from(getOrder.getPredicate().apply(exchange)).block()).isTrue();
    assertThat(ServerWebExchangeUtils.getUriTemplateVariables(exchange))
        .containsEntry("orderId", "o-7");
    MockServerWebExchange post =
        MockServerWebExchange.from(MockServerHttpRequest.post("/orders/v1/orders/o-7"));
    assertThat(Mono.from(getOrder.getPredicate().apply(post)).block()).isFalse();
  }

  @Test
  void skipsBodyValidationForOperationsWithoutRequestSchema() {
    List<GatewayFilter> filters = route("orders-v1-getOrder").getFilters();

    // subscription key check, scope check, the key's product limits, the workflow call
    assertThat(filters).hasSize(4);
    assertThat(route("orders-v1-createOrder").getFilters()).hasSize(4);
  }

  private Route route(String id) {
    return locator.routes(catalog).stream()
        .filter(route -> route.getId().equals(id))
        .findFirst()
        .orElseThrow();
  }
}
