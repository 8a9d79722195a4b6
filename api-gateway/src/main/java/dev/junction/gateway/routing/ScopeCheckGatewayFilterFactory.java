package dev.junction.gateway.routing;

import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.problem.ProblemWriter;
import java.security.Principal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Refuses a caller whose token lacks one of the operation's scopes: 403 problem naming every
 * missing scope, with the RFC 6750 {@code insufficient_scope} challenge.
 */
public final class ScopeCheckGatewayFilterFactory
    extends AbstractGatewayFilterFactory<ScopeCheckGatewayFilterFactory.Config> {

  /** Spring Security's prefix of authorities derived from the JWT {@code scope} claim. */
  static final String SCOPE_PREFIX = "SCOPE_";

  /**
   * Exchange attribute set (to {@code true}) when the operation's scopes do not apply to the call:
   * a call with a subscription key and no token to an API that waives scopes for keys.
   */
  public static final String SCOPES_WAIVED_ATTRIBUTE = "junction.scopes.waived";

  private final ProblemWriter problems;

  public ScopeCheckGatewayFilterFactory(ProblemWriter problems) {
    super(Config.class);
    this.problems = problems;
  }

  /**
   * @param scopes scopes a caller must all hold
   */
  public record Config(List<String> scopes) {}

  @Override
  public GatewayFilter apply(Config config) {
    return (exchange, chain) ->
        exchange
            .getPrincipal()
            .map(ScopeCheckGatewayFilterFactory::granted)
            .defaultIfEmpty(Set.of())
            .flatMap(
                granted -> {
                  List<String> missing = missing(config.scopes(), granted);
                  if (missing.isEmpty()
                      || Boolean.TRUE.equals(exchange.getAttribute(SCOPES_WAIVED_ATTRIBUTE))) {
                    return chain.filter(exchange);
                  }
                  String challenge =
                      "Bearer error=\"insufficient_scope\", scope=\"%s\""
                          .formatted(String.join(" ", config.scopes()));
                  return problems.write(
                      exchange.getResponse(),
                      ProblemType.FORBIDDEN.with("missing scope: " + String.join(", ", missing)),
                      Map.of(HttpHeaders.WWW_AUTHENTICATE, challenge));
                });
  }

  /** The required scopes not granted, in the order the operation lists them. */
  static List<String> missing(Collection<String> required, Set<String> granted) {
    return required.stream().filter(scope -> !granted.contains(scope)).toList();
  }

  /** The scopes of an authenticated caller. */
  public static Set<String> granted(Principal principal) {
    if (!(principal instanceof Authentication authentication)) {
      return Set.of();
    }
    return authentication.getAuthorities().stream()
        .map(GrantedAuthority::getAuthority)
        .filter(authority -> authority != null && authority.startsWith(SCOPE_PREFIX))
        .map(authority -> authority.substring(SCOPE_PREFIX.length()))
        .collect(Collectors.toSet());
  }
}
