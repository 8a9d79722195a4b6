package dev.junction.standalone.stack;

import dev.junction.infra.InfraException;
import dev.junction.infra.KafkaBroker;
import dev.junction.infra.KafkaClientSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS and Kafka authentication of a stack: the broker's client listener on SASL_SSL with
 * SCRAM-SHA-512, every Junction service its client with the same credentials, and the gateways'
 * listener on HTTPS.
 *
 * @param kafka the broker's key store and SCRAM users; null keeps the broker on PLAINTEXT
 * @param services the SCRAM user (and trusted authorities) every service connects with; null with a
 *     PLAINTEXT broker
 * @param gatewayTls the gateways' certificate and key; null keeps the gateways on plain HTTP
 * @param trustedCertificates PEM file with the authority that signed the gateways' certificate:
 *     what the stack's own HTTP clients (readiness checks, tests) trust
 */
public record StackSecurity(
    KafkaBroker.SaslSsl kafka,
    KafkaClientSecurity services,
    ServiceSettings.GatewayTls gatewayTls,
    Path trustedCertificates) {

  /**
   * Only the gateways' listener on HTTPS, the broker on PLAINTEXT: what {@code bin/junction up
   * --tls-cert FILE --tls-key FILE} runs. The stack's own readiness checks trust the gateway's
   * certificate chain itself, so it must name 127.0.0.1.
   */
  public static StackSecurity gatewayOnly(ServiceSettings.GatewayTls tls) {
    return new StackSecurity(null, null, tls, tls.certificate());
  }

  /** An HTTP client that trusts {@link #trustedCertificates()}, for the gateways' HTTPS. */
  public HttpClient httpClient() {
    return HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .sslContext(sslContext(trustedCertificates))
        .build();
  }

  /** A TLS context that trusts the certificates of a PEM file, and no others. */
  public static SSLContext sslContext(Path pemCertificates) {
    try (InputStream in = Files.newInputStream(pemCertificates)) {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      int i = 0;
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("trusted-" + i++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new InfraException("Cannot read the trusted certificates in " + pemCertificates, e);
    }
  }
}
