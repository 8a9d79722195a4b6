package dev.junction.gateway.security;

import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.problem.ProblemWriter;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.oauth2.server.resource.web.server.BearerTokenServerAuthenticationEntryPoint;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * 401 as {@code application/problem+json}. Spring's bearer-token entry point still computes the RFC
 * 6750 {@code WWW-Authenticate} challenge (error, description); only its empty body is replaced.
 */
public final class ProblemAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

  private final ServerAuthenticationEntryPoint challenge =
      new BearerTokenServerAuthenticationEntryPoint();
  private final ProblemWriter problems;

  public ProblemAuthenticationEntryPoint(ProblemWriter problems) {
    this.problems = problems;
  }

  @Override
  public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException error) {
    ServerWebExchange headersOnly =
        exchange.mutate().response(new HeadersOnlyResponse(exchange.getResponse())).build();
    return challenge
        .commence(headersOnly, error)
        .then(
            Mono.defer(
                () ->
                    problems.write(
                        exchange.getResponse(), ProblemType.UNAUTHORIZED.with(detail(error)))));
  }

  /** What the client did wrong, without echoing the token. */
  static String detail(AuthenticationException error) {
    if (error instanceof OAuth2AuthenticationException oauth
        && oauth.getError() instanceof BearerTokenError bearer
        && bearer.getDescription() != null) {
      return bearer.getDescription();
    }
    if (error instanceof OAuth2AuthenticationException oauth
        && oauth.getError().getDescription() != null) {
      return oauth.getError().getDescription();
    }
    return "a valid bearer token is required";
  }

  /** Lets the delegate set status and headers but not complete the response. */
  private static final class HeadersOnlyResponse extends ServerHttpResponseDecorator {
    HeadersOnlyResponse(ServerHttpResponse delegate) {
      super(delegate);
    }

    @Override
    public Mono<Void> setComplete() {
      return Mono.empty();
    }
  }
}
