package dev.junction.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

  private static final Path CA = Path.of("/tls/ca.pem");
  private static final KafkaClientSecurity BROKER =
      new KafkaClientSecurity("broker", "broker-secret", CA);
  private static final KafkaClientSecurity SERVICES =
      new KafkaClientSecurity("junction", "junction-secret", CA);

  private static KafkaBroker.Settings settings() {
    return new KafkaBroker.Settings(
        "test",
        Path.of("/data"),
        9192,
        9193,
        Path.of("/logs/kafka.log"),
        512,
        Duration.ofSeconds(1));
  }

  @Test
  void listensInPlaintextByDefault() {
    Map<String, String> server = KafkaBroker.serverProperties(settings());

    assertThat(server)
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9192,CONTROLLER://127.0.0.1:9193")
        .containsEntry("inter.broker.listener.name", "PLAINTEXT")
        .doesNotContainKeys("sasl.enabled.mechanisms", "ssl.keystore.location");
  }

  @Test
  void saslSslListenerAuthenticatesClientsWithScramOverTls() {
    Map<String, String> server =
        KafkaBroker.serverProperties(
            settings()
                .withSaslSsl(
                    new KafkaBroker.SaslSsl(
                        Path.of("/tls/broker.p12"), "store-secret", BROKER, List.of(SERVICES))));

    assertThat(server)
        .containsEntry("listeners", "SASL_SSL://127.0.0.1:9192,CONTROLLER://127.0.0.1:9193")
        .containsEntry("advertised.listeners", "SASL_SSL://127.0.0.1:9192")
        .containsEntry("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT")
        .containsEntry("inter.broker.listener.name", "SASL_SSL")
        .containsEntry("sasl.enabled.mechanisms", "SCRAM-SHA-512")
        .containsEntry("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512")
        .containsEntry(
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"broker\" password=\"broker-secret\";")
        .containsEntry("ssl.keystore.type", "PKCS12")
        .containsEntry("ssl.keystore.location", "/tls/broker.p12")
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.truststore.location", "/tls/ca.pem")
        // the single node's tuning stays
        .containsEntry("auto.create.topics.enable", "false");
  }

  @Test
  void clientPropertiesUseKafkasOwnNames() {
    assertThat(SERVICES.clientProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"junction\" password=\"junction-secret\";",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", "/tls/ca.pem"));
    assertThat(new KafkaClientSecurity("junction", "s", null).clientProperties())
        .as("a broker certificate from a public authority needs no trust store")
        .doesNotContainKeys("ssl.truststore.type", "ssl.truststore.location");
    assertThat(SERVICES.toString()).doesNotContain("junction-secret");
  }

  @Test
  void refusesScramUsersTheFormatToolCannotTake() {
    Path store = Path.of("/tls/broker.p12");
    assertThatThrownBy(
            () ->
                new KafkaBroker.SaslSsl(
                    store, "s", BROKER, List.of(new KafkaClientSecurity("junction", "a,b", CA))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("junction");
    assertThatThrownBy(() -> new KafkaClientSecurity("junction", "say \"hi\"", CA))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
