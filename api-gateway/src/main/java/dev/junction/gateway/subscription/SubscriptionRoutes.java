package dev.junction.gateway.subscription;

import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.routing.ScopeCheckGatewayFilterFactory;
import dev.junction.gateway.security.Callers;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The products and subscriptions API of the gateway (JSON, bearer token required; a subscription
 * key does not open it). See {@code docs/policies.md} for each endpoint.
 */
public final class SubscriptionRoutes {

  private final SubscriptionService subscriptions;
  private final SubscriptionUsage usage;
  private final ProductService products;
  private final String operatorScope;

  public SubscriptionRoutes(
      SubscriptionService subscriptions,
      SubscriptionUsage usage,
      ProductService products,
      String operatorScope) {
    this.subscriptions = subscriptions;
    this.usage = usage;
    this.products = products;
    this.operatorScope = operatorScope;
  }

  /** A subscription as its owner or an operator sees it: no key hash. */
  public record View(
      String id,
      String product,
      String subscriber,
      String displayName,
      String keyPrefix,
      Subscription.State state,
      Instant createdAt,
      Instant updatedAt,
      List<SubscriptionUsage.Limit> usage) {}

  /** The answer that carries a key: the only time it is shown. */
  public record KeyAnswer(String key, View subscription) {}

  /** The body of {@code POST /subscriptions}. */
  public record CreateRequest(String product, String displayName) {}

  /** A product as consumers see it. */
  public record ProductView(
      String name,
      String title,
      String description,
      List<Product.ApiRef> apis,
      boolean approvalRequired,
      boolean subscriptionRequired,
      List<LimitView> limits) {}

  /** One limit of a product. */
  public record LimitView(String name, long limit, long windowSeconds) {}

  public RouterFunction<ServerResponse> routes() {
    return RouterFunctions.route()
        .GET(
            "/products",
            request -> okAll(Flux.fromIterable(products.current().all()).map(this::view)))
        .GET(
            "/subscriptions/export",
            request -> caller(request).map(subscriptions::export).flatMap(this::ok))
        .POST(
            "/subscriptions/import",
            request ->
                caller(request)
                    .zipWith(
                        request
                            .bodyToMono(SubscriptionService.Export.class)
                            .switchIfEmpty(
                                Mono.error(invalid("a JSON export document is required"))))
                    .flatMap(
                        both ->
                            dryRun(request)
                                ? Mono.fromCallable(
                                        () -> subscriptions.checkImport(both.getT1(), both.getT2()))
                                    .flatMap(count -> ok(Map.of("imported", 0, "valid", count)))
                                : Mono.fromFuture(
                                        subscriptions.importAll(both.getT1(), both.getT2()))
                                    .flatMap(count -> ok(Map.of("imported", count)))))
        .GET(
            "/subscriptions",
            request ->
                caller(request)
                    .flatMapMany(
                        caller -> {
                          boolean all = request.queryParam("all").map("true"::equals).orElse(false);
                          return Flux.fromIterable(subscriptions.list(caller, all))
                              .concatMap(s -> all ? Mono.just(view(s, List.of())) : withUsage(s));
                        })
                    .collectList()
                    .flatMap(this::ok))
        .POST(
            "/subscriptions",
            request ->
                caller(request)
                    .zipWith(
                        request
                            .bodyToMono(CreateRequest.class)
                            .switchIfEmpty(
                                Mono.error(invalid("a JSON body with 'product' is required"))))
                    .flatMap(
                        both ->
                            Mono.fromFuture(
                                subscriptions.create(
                                    both.getT1(),
                                    both.getT2().product(),
                                    both.getT2().displayName())))
                    .flatMap(
                        created ->
                            withUsage(created.subscription())
                                .map(view -> new KeyAnswer(created.key(), view)))
                    .flatMap(
                        answer ->
                            ServerResponse.created(
                                    URI.create("/subscriptions/" + answer.subscription().id()))
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(answer)))
        .GET(
            "/subscriptions/{id}",
            request ->
                caller(request)
                    .map(caller -> subscriptions.get(caller, request.pathVariable("id")))
                    .flatMap(this::withUsage)
                    .flatMap(this::ok))
        .DELETE(
            "/subscriptions/{id}",
            request ->
                caller(request)
                    .flatMap(
                        caller ->
                            Mono.fromFuture(
                                subscriptions.cancel(caller, request.pathVariable("id"))))
                    .then(ServerResponse.noContent().build()))
        .POST(
            "/subscriptions/{id}/key",
            request ->
                caller(request)
                    .flatMap(
                        caller ->
                            Mono.fromFuture(
                                subscriptions.regenerate(caller, request.pathVariable("id"))))
                    .flatMap(
                        renewed ->
                            withUsage(renewed.subscription())
                                .map(view -> new KeyAnswer(renewed.key(), view)))
                    .flatMap(this::ok))
        .POST(
            "/subscriptions/{id}/suspend",
            request -> setState(request, Subscription.State.SUSPENDED))
        .POST(
            "/subscriptions/{id}/activate", request -> setState(request, Subscription.State.ACTIVE))
        .build();
  }

  /** {@code ?dryRun=true}: check, write nothing. */
  private static boolean dryRun(ServerRequest request) {
    return request.queryParam("dryRun").map("true"::equals).orElse(false);
  }

  private Mono<ServerResponse> setState(ServerRequest request, Subscription.State state) {
    return caller(request)
        .flatMap(
            caller ->
                Mono.fromFuture(subscriptions.setState(caller, request.pathVariable("id"), state)))
        .flatMap(this::withUsage)
        .flatMap(this::ok);
  }

  private Mono<SubscriptionService.Caller> caller(ServerRequest request) {
    return request
        .principal()
        .filter(JwtAuthenticationToken.class::isInstance)
        .map(this::caller)
        .switchIfEmpty(
            Mono.error(
                new ProblemException(ProblemType.UNAUTHORIZED.with("a bearer token is required"))));
  }

  private SubscriptionService.Caller caller(Principal principal) {
    return new SubscriptionService.Caller(
        Callers.key(principal),
        ScopeCheckGatewayFilterFactory.granted(principal).contains(operatorScope));
  }

  private Mono<View> withUsage(Subscription subscription) {
    return usage.of(subscription).map(limits -> view(subscription, limits));
  }

  private static View view(Subscription s, List<SubscriptionUsage.Limit> usage) {
    return new View(
        s.id(),
        s.product(),
        s.subscriber(),
        s.displayName(),
        s.keyPrefix(),
        s.state(),
        s.createdAt(),
        s.updatedAt(),
        usage);
  }

  private ProductView view(Product product) {
    return new ProductView(
        product.name(),
        product.title(),
        product.description(),
        product.apis(),
        product.approvalRequired(),
        product.subscriptionRequired(),
        product.limits().stream()
            .map(l -> new LimitView(l.name(), l.limit(), l.window().toSeconds()))
            .toList());
  }

  private Mono<ServerResponse> ok(Object body) {
    return ServerResponse.status(HttpStatus.OK)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(body);
  }

  private Mono<ServerResponse> okAll(Flux<?> body) {
    return body.collectList().flatMap(this::ok);
  }

  private static ProblemException invalid(String detail) {
    return new ProblemException(ProblemType.INVALID_REQUEST.with(detail));
  }
}
