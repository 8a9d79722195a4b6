package dev.junction.standalone.stack;

import dev.junction.infra.KafkaBroker;
import dev.junction.infra.KafkaClientSecurity;
import dev.junction.infra.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A secured stack's certificates and credentials, made for one test run in its temporary folder: a
 * certificate authority, the broker's key store, the gateway's PEM certificate and key, and SCRAM
 * users with random passwords.
 */
public final class TestStackSecurity {

  private TestStackSecurity() {}

  /**
   * Writes to {@code dir}: the authority's certificate ({@code ca.pem}), the broker's key store
   * ({@code broker.p12}) and the gateway's certificate chain and key ({@code gateway.crt}, {@code
   * gateway.key}); the broker gets SCRAM users {@code broker} and {@code junction}, the services
   * connect as {@code junction}.
   */
  public static StackSecurity create(Path dir) {
    try {
      Files.createDirectories(dir);
      TestCertificates ca = TestCertificates.authority("junction-test-ca");
      Path caFile = ca.writeCertificatePem(dir.resolve("ca.pem"));
      Path brokerKeyStore =
          ca.server("junction-test-broker").writeKeyStore(dir.resolve("broker.p12"), ca);
      ServiceSettings.GatewayTls gatewayTls =
          new ServiceSettings.GatewayTls(dir.resolve("gateway.crt"), dir.resolve("gateway.key"));
      ca.server("junction-test-gateway")
          .writePem(gatewayTls.certificate(), gatewayTls.privateKey(), ca);
      KafkaClientSecurity broker = new KafkaClientSecurity("broker", secret(), caFile);
      KafkaClientSecurity services = new KafkaClientSecurity("junction", secret(), caFile);
      return new StackSecurity(
          new KafkaBroker.SaslSsl(
              brokerKeyStore, TestCertificates.PASSWORD, broker, List.of(services)),
          services,
          gatewayTls,
          caFile);
    } catch (Exception e) { // certificate and file errors alike: the test cannot start
      throw new IllegalStateException("Cannot make the test certificates in " + dir, e);
    }
  }

  /** Letters and digits only: the SCRAM users' syntax allows no punctuation. */
  private static String secret() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
