package dev.junction.infra.testing;

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
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
 * Real X.509 certificates made for a test run (Bouncy Castle, EC P-256, valid one day): a CA, and
 * leaf certificates it signs for servers (SAN IP 127.0.0.1) and clients, written as PKCS12 stores
 * or PEM files. Nothing with a private key is checked in: tests write them to temporary folders.
 * Shipped in this module's test-jar for the other modules' TLS tests.
 */
public final class TestCertificates {

  /** Password of every store written here. */
  public static final String PASSWORD = "changeit-test";

  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final String name;
  private final KeyPair keys;
  private final X509Certificate certificate;

  private TestCertificates(String name, KeyPair keys, X509Certificate certificate) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A self-signed certificate authority. */
  public static TestCertificates authority(String name) {
    KeyPair keys = keyPair();
    X509v3CertificateBuilder builder =
        builder(new X500Name("CN=" + name), keys, new X500Name("CN=" + name));
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new TestCertificates(name, keys, sign(builder, keys));
  }

  /** A server certificate for 127.0.0.1 signed by this authority. */
  public TestCertificates server(String cn) {
    return leaf(cn, KeyPurposeId.id_kp_serverAuth, true);
  }

  /** A client certificate signed by this authority. */
  public TestCertificates client(String cn) {
    return leaf(cn, KeyPurposeId.id_kp_clientAuth, false);
  }

  private TestCertificates leaf(String cn, KeyPurposeId purpose, boolean loopbackName) {
    KeyPair leafKeys = keyPair();
    X509v3CertificateBuilder builder =
        builder(new X500Name("CN=" + name), leafKeys, new X500Name("CN=" + cn));
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (loopbackName) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new TestCertificates(cn, leafKeys, sign(builder, keys));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** A PKCS12 key store with this key and its chain up to {@code authority}. */
  public Path writeKeyStore(Path file, TestCertificates authority) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        "key",
        keys.getPrivate(),
        PASSWORD.toCharArray(),
        new Certificate[] {certificate, authority.certificate});
    return write(store, file);
  }

  /** This (authority's) certificate as a PEM file, e.g. to trust it. */
  public Path writeCertificatePem(Path file) throws Exception {
    Files.writeString(file, pem("CERTIFICATE", certificate.getEncoded()));
    return file;
  }

  /**
   * This certificate and its chain up to {@code authority} as PEM ({@code certificateFile}), and
   * this private key as unencrypted PKCS#8 PEM ({@code keyFile}): what a server's PEM settings
   * take.
   */
  public void writePem(Path certificateFile, Path keyFile, TestCertificates authority)
      throws Exception {
    Files.writeString(
        certificateFile,
        pem("CERTIFICATE", certificate.getEncoded())
            + pem("CERTIFICATE", authority.certificate.getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** A PKCS12 trust store holding this (authority's) certificate. */
  public Path writeTrustStore(Path file) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", certificate);
    return write(store, file);
  }

  /** A TLS context presenting this key and trusting {@code trusted}. */
  public SSLContext sslContext(TestCertificates authority, TestCertificates trusted)
      throws Exception {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry(
        "key",
        keys.getPrivate(),
        PASSWORD.toCharArray(),
        new Certificate[] {certificate, authority.certificate});
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keyStore, PASSWORD.toCharArray());
    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    trustStore.load(null, null);
    trustStore.setCertificateEntry("ca", trusted.certificate);
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trustStore);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }

  private static Path write(KeyStore store, Path file) throws Exception {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD.toCharArray());
    }
    return file;
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, KeyPair subjectKeys, X500Name subject) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(Duration.ofDays(1))),
        subject,
        subjectKeys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
