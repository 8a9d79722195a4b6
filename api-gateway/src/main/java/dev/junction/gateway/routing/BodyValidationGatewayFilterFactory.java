package dev.junction.gateway.routing;

import dev.junction.gateway.catalog.UnknownFields;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.problem.ProblemWriter;
import dev.junction.gateway.schema.JsonAvroConverter;
import org.apache.avro.Schema;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;

/**
 * Converts the JSON body to an Avro record of the operation's request schema. An invalid body is
 * answered with a 400 problem whose {@code errors} lists every violation; a valid one is replaced
 * by the record's canonical JSON (defaults filled in, unknown members dropped when the API says
 * so), which is what the workflow receives.
 */
public final class BodyValidationGatewayFilterFactory
    extends AbstractGatewayFilterFactory<BodyValidationGatewayFilterFactory.Config> {

  private final JsonAvroConverter converter;
  private final ProblemWriter problems;
  private final int maxBodyBytes;

  public BodyValidationGatewayFilterFactory(
      JsonAvroConverter converter, ProblemWriter problems, int maxBodyBytes) {
    super(Config.class);
    this.converter = converter;
    this.problems = problems;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * @param schema Avro record schema of the body
   * @param unknownFields what to do with members the schema does not declare
   */
  public record Config(Schema schema, UnknownFields unknownFields) {}

  @Override
  public GatewayFilter apply(Config config) {
    return (exchange, chain) ->
        RequestBodies.read(exchange, maxBodyBytes)
            .flatMap(
                body -> {
                  JsonAvroConverter.Conversion conversion =
                      converter.toRecord(body, config.schema(), config.unknownFields());
                  if (conversion.valid()) {
                    RequestBodies.replace(exchange, converter.toJson(conversion.record()));
                    return chain.filter(exchange);
                  }
                  return problems.write(
                      exchange.getResponse(),
                      ProblemType.INVALID_REQUEST
                          .with(
                              "the body does not match schema "
                                  + config.schema().getFullName()
                                  + " ("
                                  + conversion.violations().size()
                                  + " violation(s))")
                          .withErrors(conversion.violations()));
                });
  }
}
