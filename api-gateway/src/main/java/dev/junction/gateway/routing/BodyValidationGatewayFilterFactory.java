package dev.junction.gateway.routing;

import dev.junction.gateway.catalog.JsonBodyValidator;
import dev.junction.gateway.catalog.Violation;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.problem.ProblemWriter;
import java.util.List;
import org.apache.avro.Schema;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;

/**
 * Validates the JSON body against the operation's request schema; an invalid body is answered with
 * a 400 problem whose {@code errors} lists every violation.
 */
public final class BodyValidationGatewayFilterFactory
    extends AbstractGatewayFilterFactory<BodyValidationGatewayFilterFactory.Config> {

  private final JsonBodyValidator validator;
  private final ProblemWriter problems;
  private final int maxBodyBytes;

  public BodyValidationGatewayFilterFactory(
      JsonBodyValidator validator, ProblemWriter problems, int maxBodyBytes) {
    super(Config.class);
    this.validator = validator;
    this.problems = problems;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * @param schema Avro record schema of the body
   */
  public record Config(Schema schema) {}

  @Override
  public GatewayFilter apply(Config config) {
    return (exchange, chain) ->
        RequestBodies.read(exchange, maxBodyBytes)
            .flatMap(
                body -> {
                  List<Violation> violations = validator.validate(body, config.schema());
                  if (violations.isEmpty()) {
                    return chain.filter(exchange);
                  }
                  return problems.write(
                      exchange.getResponse(),
                      ProblemType.INVALID_REQUEST
                          .with(
                              "the body does not match schema "
                                  + config.schema().getFullName()
                                  + " ("
                                  + violations.size()
                                  + " violation(s))")
                          .withErrors(violations));
                });
  }
}
