package dev.junction.gateway.security;

import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.problem.ProblemWriter;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** 403 from Spring Security's own authorization rules, as {@code application/problem+json}. */
public final class ProblemAccessDeniedHandler implements ServerAccessDeniedHandler {

  private final ProblemWriter problems;

  public ProblemAccessDeniedHandler(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
    exchange
        .getResponse()
        .getHeaders()
        .set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
    return problems.write(exchange.getResponse(), ProblemType.FORBIDDEN.with(denied.getMessage()));
  }
}
