package dev.junction.connector.http.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A connection's TLS settings ({@code connections.<name>.tls.*}): the client certificate for mutual
 * TLS and the certificates the backend's is checked against. Key stores are PKCS12 or JKS files
 * (the type is detected); passwords come from {@code ${ENV_VARIABLE}} placeholders, the environment
 * or files.
 *
 * @param keyStore the client's private key and certificate chain, for mutual TLS; none: no client
 *     certificate
 * @param keyStorePassword its password (also the key's)
 * @param keyStorePasswordFile a file holding it
 * @param trustStore the certificates (CAs) the backend's certificate must chain to; none: the JDK's
 *     default trust
 * @param trustStorePassword its password
 * @param trustStorePasswordFile a file holding it
 */
public record TlsSettings(
    Path keyStore,
    String keyStorePassword,
    Path keyStorePasswordFile,
    Path trustStore,
    String trustStorePassword,
    Path trustStorePasswordFile) {

  /** The JDK's defaults. */
  public static TlsSettings none() {
    return new TlsSettings(null, null, null, null, null, null);
  }

  /**
   * The TLS context of the connection's calls, or {@code null} for the JDK's default; a store that
   * cannot be read stops the service at start-up naming the connection.
   */
  public SSLContext sslContext(String connection) {
    if (keyStore == null && trustStore == null) {
      return null;
    }
    try {
      javax.net.ssl.KeyManager[] keys = null;
      if (keyStore != null) {
        char[] password = password(keyStorePassword, keyStorePasswordFile);
        KeyManagerFactory factory =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(KeyStore.getInstance(keyStore.toFile(), password), password);
        keys = factory.getKeyManagers();
      }
      javax.net.ssl.TrustManager[] trust = null;
      if (trustStore != null) {
        TrustManagerFactory factory =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(
            KeyStore.getInstance(
                trustStore.toFile(), password(trustStorePassword, trustStorePasswordFile)));
        trust = factory.getTrustManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      // the message names the file or the problem, never the password
      throw new IllegalArgumentException(
          "connection '" + connection + "': tls stores cannot be used (" + e.getMessage() + ")", e);
    }
  }

  private static char[] password(String value, Path file) {
    if (file != null) {
      try {
        return Files.readString(file).stripTrailing().toCharArray();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read password file " + file, e);
      }
    }
    return value == null ? new char[0] : value.toCharArray();
  }

  /** Never prints passwords. */
  @Override
  public String toString() {
    return "TlsSettings[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
  }
}
