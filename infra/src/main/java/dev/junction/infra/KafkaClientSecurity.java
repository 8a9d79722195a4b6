package dev.junction.infra;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a Kafka client authenticates to a broker with a SASL_SSL listener: TLS that trusts the
 * broker's certificate authority, then SCRAM with a user name and password.
 *
 * @param username the SCRAM user
 * @param password its password; never printed
 * @param trustedCertificates PEM file with the certificate authorities the client trusts; null for
 *     the JDK's own trust store (a broker certificate from a public authority)
 */
public record KafkaClientSecurity(String username, String password, Path trustedCertificates) {

  public static final String SASL_SSL = "SASL_SSL";

  /** The SASL mechanism Junction's brokers enable and its clients use. */
  public static final String SCRAM_SHA_512 = "SCRAM-SHA-512";

  private static final String SCRAM_LOGIN_MODULE =
      "org.apache.kafka.common.security.scram.ScramLoginModule";

  public KafkaClientSecurity {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.contains("\"") || password.contains("\"")) {
      // the JAAS configuration quotes them; Kafka's parser has no escape for a quote
      throw new IllegalArgumentException("A SCRAM user name or password cannot contain '\"'");
    }
  }

  /**
   * The client properties, with Kafka's own names ({@code security.protocol}, {@code
   * sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.*}): what every producer,
   * consumer, admin client and Kafka Streams instance is given.
   */
  public Map<String, String> clientProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("security.protocol", SASL_SSL);
    properties.put("sasl.mechanism", SCRAM_SHA_512);
    properties.put("sasl.jaas.config", jaasConfig(username, password));
    if (trustedCertificates != null) {
      properties.put("ssl.truststore.type", "PEM");
      properties.put("ssl.truststore.location", trustedCertificates.toAbsolutePath().toString());
    }
    return properties;
  }

  /** The {@code sasl.jaas.config} value of a SCRAM login. */
  public static String jaasConfig(String username, String password) {
    return SCRAM_LOGIN_MODULE
        + " required username=\""
        + username
        + "\" password=\""
        + password
        + "\";";
  }

  @Override
  public String toString() {
    return "KafkaClientSecurity[username="
        + username
        + ", password=***, trustedCertificates="
        + trustedCertificates
        + "]";
  }
}
