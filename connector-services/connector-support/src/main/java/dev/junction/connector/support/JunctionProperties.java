package dev.junction.connector.support;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings every Junction service shares ({@code junction.kafka.*}, {@code junction.registry.*}).
 *
 * @param kafka topics this service creates
 * @param registry the schema registry the Avro SerDe talks to
 */
@Validated
@ConfigurationProperties("junction")
public record JunctionProperties(
    @DefaultValue @Valid Kafka kafka, @DefaultValue @Valid Registry registry) {

  /**
   * @param partitions partitions of every topic this service creates when it is missing
   */
  public record Kafka(@DefaultValue("8") @Positive int partitions) {}

  /**
   * @param url Apicurio Registry v3 API URL, e.g. {@code http://127.0.0.1:8180/apis/registry/v3}
   */
  public record Registry(
      @DefaultValue("http://127.0.0.1:8180/apis/registry/v3") @NotBlank String url) {}
}
