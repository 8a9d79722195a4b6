package dev.junction.gateway;

import dev.junction.contract.schema.RegistryCredentials;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Optional;
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
   * @param startupTimeout how long start-up waits for the registry before failing; {@code 0} waits
   *     for ever (the gateway is not ready meanwhile, and says so in its log)
   * @param auth OAuth2 client credentials, for a registry that requires bearer tokens
   */
  public record Registry(
      @DefaultValue("http://127.0.0.1:8180/apis/registry/v3") @NotBlank String url,
      @DefaultValue("0s") Duration startupTimeout,
      @DefaultValue Auth auth) {

    /** The credentials, when a token URL is configured. */
    public Optional<RegistryCredentials> credentials() {
      if (auth.tokenUrl() == null || auth.tokenUrl().isBlank()) {
        return Optional.empty();
      }
      return Optional.of(
          new RegistryCredentials(
              auth.tokenUrl(), auth.clientId(), auth.clientSecret(), auth.scope()));
    }
  }

  /**
   * OAuth2 client credentials for the registry ({@code junction.registry.auth.*}); leave {@code
   * token-url} empty for an open registry. Pass the secret through the environment ({@code
   * JUNCTION_REGISTRY_AUTH_CLIENT_SECRET}), never in a file under version control.
   *
   * @param tokenUrl the issuer's token endpoint
   * @param clientId the client
   * @param clientSecret its secret
   * @param scope requested scope, if the issuer needs one
   */
  public record Auth(String tokenUrl, String clientId, String clientSecret, String scope) {

    @Override
    public String toString() {
      return "Auth[tokenUrl=" + tokenUrl + ", clientId=" + clientId + "]";
    }
  }
}
