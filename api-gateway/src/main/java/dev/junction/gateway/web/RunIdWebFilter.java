package dev.junction.gateway.web;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request a run id and returns it as {@code X-Run-Id}. It runs before Spring Security
 * and sets the header just before the response commits, so 401s, 404s and errors rendered by the
 * exception handler carry it too.
 */
public final class RunIdWebFilter implements WebFilter, Ordered {

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String runId = RunIds.of(exchange);
    exchange
        .getResponse()
        .beforeCommit(
            () -> {
              exchange.getResponse().getHeaders().set(RunIds.HEADER, runId);
              return Mono.empty();
            });
    return chain.filter(exchange);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
