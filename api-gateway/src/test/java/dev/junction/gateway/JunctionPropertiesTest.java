package dev.junction.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.contract.schema.RegistryCredentials;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class JunctionPropertiesTest {

  private static JunctionProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("junction", JunctionProperties.class);
  }

  @Test
  void anOpenRegistryByDefault() {
    JunctionProperties.Registry registry = bind(Map.of()).registry();

    assertThat(registry.credentials()).isEmpty();
    assertThat(registry.startupTimeout()).isEqualTo(Duration.ZERO);
  }

  @Test
  void bindsTheRegistrysClientCredentialsWithoutShowingTheSecret() {
    JunctionProperties.Registry registry =
        bind(Map.of(
                "junction.registry.auth.token-url", "http://issuer/oauth2/token",
                "junction.registry.auth.client-id", "gateway",
                "junction.registry.auth.client-secret", "s3cret"))
            .registry();

    assertThat(registry.credentials())
        .hasValue(new RegistryCredentials("http://issuer/oauth2/token", "gateway", "s3cret", null));
    assertThat(registry.toString()).doesNotContain("s3cret");
  }
}
