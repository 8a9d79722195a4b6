package dev.junction.gateway.routing;

import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.problem.ProblemWriter;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpHeaders;

/** Answers a known path called with a method it does not serve: 405 problem and {@code Allow}. */
public final class MethodNotAllowedGatewayFilterFactory
    extends AbstractGatewayFilterFactory<MethodNotAllowedGatewayFilterFactory.Config> {

  private final ProblemWriter problems;

  public MethodNotAllowedGatewayFilterFactory(ProblemWriter problems) {
    super(Config.class);
    this.problems = problems;
  }

  /**
   * @param allowed methods the path serves
   */
  public record Config(Set<String> allowed) {}

  @Override
  public GatewayFilter apply(Config config) {
    String allow = String.join(", ", new TreeSet<>(config.allowed()));
    return (exchange, chain) ->
        problems.write(
            exchange.getResponse(),
            ProblemType.METHOD_NOT_ALLOWED.with(
                "%s is not allowed here; allowed: %s"
                    .formatted(exchange.getRequest().getMethod().name(), allow)),
            Map.of(HttpHeaders.ALLOW, allow));
  }
}
