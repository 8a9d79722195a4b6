package dev.junction.standalone.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.infra.KafkaClientSecurity;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class ServiceSettingsTest {

  private static final KafkaClientSecurity SECURITY =
      new KafkaClientSecurity("junction", "secret", Path.of("/tls/ca.pem"));
  private static final ServiceSettings.Endpoints ENDPOINTS =
      new ServiceSettings.Endpoints(
          "127.0.0.1:9092",
          "http://127.0.0.1:8180/apis/registry/v3",
          "http://127.0.0.1:9000",
          "http://127.0.0.1:9000/oauth2/jwks",
          "http://127.0.0.1:8081",
          "http://127.0.0.1:9100",
          SECURITY);
  private static final ServiceSettings.GatewayTls TLS =
      new ServiceSettings.GatewayTls(Path.of("/tls/gateway.crt"), Path.of("/tls/gateway.key"));

  @Test
  void givesEveryServiceTheSameKafkaSecurityAsKafkaClientProperties() {
    List<Map<String, String>> services =
        List.of(
            ServiceSettings.orchestrator(ENDPOINTS, "orchestrator-0", "127.0.0.1", "w", "s"),
            ServiceSettings.httpConnector(ENDPOINTS),
            ServiceSettings.gateway(ENDPOINTS, 0, "apis", TLS),
            ServiceSettings.common(ENDPOINTS));

    for (Map<String, String> service : services) {
      // as the process stack and docker-compose.yml pass them: environment variables
      Binder binder = binder(ServiceSettings.environment(service));
      assertThat(
              binder
                  .bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class))
                  .get())
          .isEqualTo(SECURITY.clientProperties());
      // and as the embedded stack passes them: command-line arguments
      assertThat(ServiceSettings.arguments(service))
          .contains("--spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512");
    }
  }

  @Test
  void putsOnlyTheGatewaysListenerOnHttps() {
    Binder gateway =
        binder(ServiceSettings.environment(ServiceSettings.gateway(ENDPOINTS, 0, "apis", TLS)));

    assertThat(gateway.bind("server.ssl.bundle", String.class).get()).isEqualTo("gateway");
    assertThat(
            gateway.bind("spring.ssl.bundle.pem.gateway.keystore.certificate", String.class).get())
        .isEqualTo("file:/tls/gateway.crt");
    assertThat(
            gateway.bind("spring.ssl.bundle.pem.gateway.keystore.private-key", String.class).get())
        .isEqualTo("file:/tls/gateway.key");
    assertThat(ServiceSettings.gateway(ENDPOINTS, 0, "apis"))
        .doesNotContainKey(ServiceSettings.SERVER_SSL_BUNDLE);
    assertThat(ServiceSettings.httpConnector(ENDPOINTS))
        .doesNotContainKey(ServiceSettings.SERVER_SSL_BUNDLE);
  }

  @Test
  void plaintextStackSetsNoKafkaSecurity() {
    ServiceSettings.Endpoints plaintext =
        new ServiceSettings.Endpoints(
            ENDPOINTS.kafkaBootstrapServers(),
            ENDPOINTS.registryUrl(),
            ENDPOINTS.issuerUri(),
            ENDPOINTS.jwkSetUri(),
            ENDPOINTS.orchestratorUrl(),
            ENDPOINTS.backendUrl());

    assertThat(ServiceSettings.common(plaintext).keySet())
        .noneMatch(name -> name.startsWith("spring.kafka.properties."));
  }

  private static Binder binder(Map<String, String> environment) {
    return new Binder(
        ConfigurationPropertySources.from(
            // Boot maps environment variable names only for a source named like the system
            // environment
            new SystemEnvironmentPropertySource(
                "test-systemEnvironment", new LinkedHashMap<>(environment))));
  }
}
