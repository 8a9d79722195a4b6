package dev.junction.gateway.routing;

import dev.junction.gateway.problem.ProblemExceptionHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Times every routed request as {@code junction.gateway.requests}, tagged by API, operation and
 * status: never by path or id, which would explode the series.
 */
public final class RequestMetricsFilter implements GlobalFilter, Ordered {

  private final MeterRegistry meters;

  public RequestMetricsFilter(MeterRegistry meters) {
    this.meters = meters;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    Timer.Sample sample = Timer.start(meters);
    return chain
        .filter(exchange)
        .doOnSuccess(done -> record(sample, exchange, status(exchange)))
        .doOnError(
            error ->
                record(
                    sample, exchange, ProblemExceptionHandler.toProblem(error).problem().status()));
  }

  private static int status(ServerWebExchange exchange) {
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    return status == null ? 200 : status.value();
  }

  private void record(Timer.Sample sample, ServerWebExchange exchange, int status) {
    Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
    String api =
        route == null ? "none" : String.valueOf(route.getMetadata().get(CatalogRouteLocator.API));
    String operation =
        route == null
            ? "none"
            : String.valueOf(route.getMetadata().get(CatalogRouteLocator.OPERATION));
    sample.stop(timer(meters, api, operation, status));
  }

  /** The timer of one API, operation and status: the fast path records its calls in it too. */
  public static Timer timer(MeterRegistry meters, String api, String operation, int status) {
    return Timer.builder("junction.gateway.requests")
        .description("Requests routed by the gateway")
        .tag("api", api)
        .tag("operation", operation)
        .tag("status", Integer.toString(status))
        .register(meters);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
