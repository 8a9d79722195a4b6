package dev.junction.standalone.stack;

import dev.junction.infra.KafkaBroker;
import dev.junction.infra.KafkaClientSecurity;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made for one test run, and the certificates it signs for 127.0.0.1: the
 * broker's (a PKCS12 key store) and the gateway's (PEM files). Nothing is checked in: the keys live
 * in the test's temporary folder, with random passwords.
 */
public final class TestCertificateAuthority {

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Duration VALIDITY = Duration.ofDays(1);

  private final KeyPair keys;
  private final X509Certificate certificate;
  private final AtomicLong serials = new AtomicLong(1);

  private TestCertificateAuthority() throws GeneralSecurityException, OperatorCreationException {
    keys = newKeyPair();
    X500Name name = new X500Name("CN=Junction test CA " + UUID.randomUUID());
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name, nextSerial(), notBefore(), notAfter(), name, keys.getPublic());
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    certificate = sign(builder);
  }

  /**
   * Everything a secured stack needs, written to {@code dir}: the authority's certificate ({@code
   * ca.pem}), the broker's key store with SCRAM users {@code broker} and {@code junction}, and the
   * gateway's certificate chain and key.
   */
  public static StackSecurity stackSecurity(Path dir) {
    try {
      Files.createDirectories(dir);
      TestCertificateAuthority ca = new TestCertificateAuthority();
      Path caFile = dir.resolve("ca.pem");
      Files.writeString(caFile, pem("CERTIFICATE", ca.certificate.getEncoded()));

      KeyPair brokerKeys = newKeyPair();
      X509Certificate broker = ca.issue("junction-test-broker", brokerKeys);
      Path brokerKeyStore = dir.resolve("broker.p12");
      String keyStorePassword = secret();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "broker",
          brokerKeys.getPrivate(),
          keyStorePassword.toCharArray(),
          new Certificate[] {broker, ca.certificate});
      try (OutputStream out = Files.newOutputStream(brokerKeyStore)) {
        store.store(out, keyStorePassword.toCharArray());
      }

      KeyPair gatewayKeys = newKeyPair();
      X509Certificate gateway = ca.issue("junction-test-gateway", gatewayKeys);
      Path gatewayCertificate = dir.resolve("gateway.crt");
      Path gatewayKey = dir.resolve("gateway.key");
      Files.writeString(
          gatewayCertificate,
          pem("CERTIFICATE", gateway.getEncoded())
              + pem("CERTIFICATE", ca.certificate.getEncoded()));
      Files.writeString(gatewayKey, pem("PRIVATE KEY", gatewayKeys.getPrivate().getEncoded()));

      KafkaClientSecurity brokerUser = new KafkaClientSecurity("broker", secret(), caFile);
      KafkaClientSecurity services = new KafkaClientSecurity("junction", secret(), caFile);
      return new StackSecurity(
          new KafkaBroker.SaslSsl(brokerKeyStore, keyStorePassword, brokerUser, List.of(services)),
          services,
          new ServiceSettings.GatewayTls(gatewayCertificate, gatewayKey),
          caFile);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("Cannot make the test certificates in " + dir, e);
    }
  }

  /** A server (and client) certificate for 127.0.0.1 and localhost. */
  private X509Certificate issue(String commonName, KeyPair subject)
      throws GeneralSecurityException, OperatorCreationException {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            certificate,
            nextSerial(),
            notBefore(),
            notAfter(),
            new X500Name("CN=" + commonName),
            subject.getPublic());
    try {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return sign(builder);
  }

  private X509Certificate sign(X509v3CertificateBuilder builder)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate())));
  }

  private BigInteger nextSerial() {
    return BigInteger.valueOf(serials.getAndIncrement());
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(VALIDITY));
  }

  /** A random password of letters and digits (SCRAM users allow no punctuation here). */
  private static String secret() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
