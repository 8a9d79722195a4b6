package dev.junction.standalone.stack;

import dev.junction.infra.KafkaClientSecurity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each Junction service must be told to run in a stack: the Spring properties that point it at
 * the broker, the registry, the issuer and its peers. The embedded stack and the process stack pass
 * them as {@code --name=value} arguments; {@code docker-compose.yml} gives the same ones as
 * environment variables (its test derives the expected values from these methods).
 */
public final class ServiceSettings {

  public static final String KAFKA_BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers";
  public static final String REGISTRY_URL = "junction.registry.url";
  public static final String WORKFLOWS_DIR = "junction.orchestrator.workflows-dir";
  public static final String ORCHESTRATOR_INSTANCE_ID = "junction.orchestrator.instance-id";
  public static final String ORCHESTRATOR_ADVERTISED_HOST = "junction.orchestrator.advertised-host";
  public static final String ORCHESTRATOR_STATE_DIR = "junction.orchestrator.state-dir";
  public static final String CONNECTION_BASE_URL =
      "junction.http-connector.connections.%s.base-url";
  public static final String GATEWAY_INSTANCE_INDEX = "junction.gateway.instance-index";
  public static final String CATALOG_DIR = "junction.gateway.catalog-dir";
  public static final String PRODUCTS_DIR = "junction.gateway.products-dir";

  /** The products folder's name, beside the catalog folder ({@code apis/}) in the Junction home. */
  public static final String PRODUCTS_FOLDER = "products";

  public static final String ORCHESTRATOR_URL = "junction.gateway.orchestrator-url";
  public static final String JWT_ISSUER_URI =
      "spring.security.oauth2.resourceserver.jwt.issuer-uri";
  public static final String JWT_JWK_SET_URI =
      "spring.security.oauth2.resourceserver.jwt.jwk-set-uri";
  public static final String JWT_AUDIENCES = "spring.security.oauth2.resourceserver.jwt.audiences";

  /**
   * Where a service sends its spans, over OTLP/HTTP (e.g. {@code http://collector:4318/v1/traces}).
   */
  public static final String TRACES_ENDPOINT =
      "management.opentelemetry.tracing.export.otlp.endpoint";

  /** Whether spans are exported to {@link #TRACES_ENDPOINT} (default: when it is set). */
  public static final String TRACES_EXPORT = "management.tracing.export.otlp.enabled";

  /** Share of new traces recorded and exported (default 0.1). */
  public static final String TRACES_SAMPLING = "management.tracing.sampling.probability";

  /**
   * The tracing settings, which every service takes and none needs: without an export, spans are
   * not recorded (the trace context still travels in {@code traceparent} and the logs).
   */
  public static final List<String> TRACING =
      List.of(TRACES_EXPORT, TRACES_ENDPOINT, TRACES_SAMPLING);

  /**
   * A Kafka client property ({@code security.protocol}, {@code sasl.jaas.config}, ...) under its
   * own name: Spring Boot hands {@code spring.kafka.properties.*} to every Kafka client it
   * configures, and every Junction service builds all its clients (producers, consumers, admin,
   * Kafka Streams, the orchestrator's dead-letter producer, the kafka-connector's target producers)
   * from there. Setting the Kafka security of a service is setting these.
   */
  public static final String KAFKA_CLIENT_PROPERTY = "spring.kafka.properties.%s";

  /** The Kafka client properties that carry security, set the same on every service. */
  public static final List<String> KAFKA_SECURITY_PROPERTIES =
      List.of(
          "security.protocol",
          "sasl.mechanism",
          "sasl.jaas.config",
          "ssl.truststore.type",
          "ssl.truststore.location");

  /** The SSL bundle the gateway's listener uses ({@code server.ssl.bundle}). */
  public static final String GATEWAY_SSL_BUNDLE = "gateway";

  public static final String SERVER_SSL_BUNDLE = "server.ssl.bundle";
  public static final String SSL_BUNDLE_CERTIFICATE =
      "spring.ssl.bundle.pem." + GATEWAY_SSL_BUNDLE + ".keystore.certificate";
  public static final String SSL_BUNDLE_PRIVATE_KEY =
      "spring.ssl.bundle.pem." + GATEWAY_SSL_BUNDLE + ".keystore.private-key";

  /**
   * The http-connector connections of the sample APIs' workflows ({@code workflows/*.yaml}) and the
   * path of the sample backend each one calls.
   */
  public static final Map<String, String> SAMPLE_CONNECTIONS =
      Map.of("inventory", "/inventory", "orders", "");

  private ServiceSettings() {}

  /**
   * Where a service reaches the parts it talks to.
   *
   * @param kafkaBootstrapServers the broker(s)
   * @param registryUrl Apicurio Registry's v3 API
   * @param issuerUri the {@code iss} of accepted access tokens
   * @param jwkSetUri where the issuer's signing keys are read
   * @param orchestratorUrl the orchestrator's runs API, which the gateway proxies
   * @param backendUrl the sample backend the sample APIs call
   * @param kafkaSecurity how every service authenticates to the broker; null for PLAINTEXT
   */
  public record Endpoints(
      String kafkaBootstrapServers,
      String registryUrl,
      String issuerUri,
      String jwkSetUri,
      String orchestratorUrl,
      String backendUrl,
      KafkaClientSecurity kafkaSecurity) {

    /** Endpoints of a stack whose broker listens in PLAINTEXT. */
    public Endpoints(
        String kafkaBootstrapServers,
        String registryUrl,
        String issuerUri,
        String jwkSetUri,
        String orchestratorUrl,
        String backendUrl) {
      this(
          kafkaBootstrapServers,
          registryUrl,
          issuerUri,
          jwkSetUri,
          orchestratorUrl,
          backendUrl,
          null);
    }
  }

  /**
   * The gateway's listener on HTTPS, from PEM files (Spring Boot's SSL bundle {@value
   * #GATEWAY_SSL_BUNDLE}).
   *
   * @param certificate the certificate chain, server certificate first
   * @param privateKey its private key (PKCS#8, or PKCS#1 / SEC 1), unencrypted
   */
  public record GatewayTls(Path certificate, Path privateKey) {}

  /** What every Junction service needs: the broker (and its security) and the schema registry. */
  public static Map<String, String> common(Endpoints endpoints) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(KAFKA_BOOTSTRAP_SERVERS, endpoints.kafkaBootstrapServers());
    if (endpoints.kafkaSecurity() != null) {
      endpoints
          .kafkaSecurity()
          .clientProperties()
          .forEach((name, value) -> settings.put(KAFKA_CLIENT_PROPERTY.formatted(name), value));
    }
    settings.put(REGISTRY_URL, endpoints.registryUrl());
    return settings;
  }

  /** Every service exporting its spans to {@code otlpEndpoint}, recording that share of traces. */
  public static Map<String, String> tracing(String otlpEndpoint, double samplingProbability) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(TRACES_EXPORT, "true");
    settings.put(TRACES_ENDPOINT, otlpEndpoint);
    settings.put(TRACES_SAMPLING, Double.toString(samplingProbability));
    return settings;
  }

  /**
   * An orchestrator instance.
   *
   * @param instanceId stays the same across the instance's restarts (static group membership: a
   *     restarted instance takes its partitions back at once)
   * @param advertisedHost where the other instances reach this one's runs API
   */
  public static Map<String, String> orchestrator(
      Endpoints endpoints,
      String instanceId,
      String advertisedHost,
      String workflowsDir,
      String stateDir) {
    Map<String, String> settings = common(endpoints);
    settings.put(WORKFLOWS_DIR, workflowsDir);
    settings.put(ORCHESTRATOR_INSTANCE_ID, instanceId);
    settings.put(ORCHESTRATOR_ADVERTISED_HOST, advertisedHost);
    settings.put(ORCHESTRATOR_STATE_DIR, stateDir);
    return settings;
  }

  /** The http-connector, with the sample APIs' connections pointing at the sample backend. */
  public static Map<String, String> httpConnector(Endpoints endpoints) {
    Map<String, String> settings = common(endpoints);
    SAMPLE_CONNECTIONS.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            connection ->
                settings.put(
                    CONNECTION_BASE_URL.formatted(connection.getKey()),
                    endpoints.backendUrl() + connection.getValue()));
    return settings;
  }

  /**
   * A gateway instance.
   *
   * @param instanceIndex the reply partition this instance owns; distinct per instance
   * @param catalogDir the API catalog folder; the products folder is beside it
   */
  public static Map<String, String> gateway(
      Endpoints endpoints, int instanceIndex, String catalogDir) {
    return gateway(endpoints, instanceIndex, catalogDir, null);
  }

  /**
   * A gateway instance, its listener on HTTPS when {@code tls} is given.
   *
   * @param instanceIndex the reply partition this instance owns; distinct per instance
   */
  public static Map<String, String> gateway(
      Endpoints endpoints, int instanceIndex, String catalogDir, GatewayTls tls) {
    Map<String, String> settings = common(endpoints);
    if (tls != null) {
      settings.put(SERVER_SSL_BUNDLE, GATEWAY_SSL_BUNDLE);
      settings.put(SSL_BUNDLE_CERTIFICATE, fileUrl(tls.certificate()));
      settings.put(SSL_BUNDLE_PRIVATE_KEY, fileUrl(tls.privateKey()));
    }
    settings.put(GATEWAY_INSTANCE_INDEX, Integer.toString(instanceIndex));
    settings.put(CATALOG_DIR, catalogDir);
    settings.put(PRODUCTS_DIR, Path.of(catalogDir).resolveSibling(PRODUCTS_FOLDER).toString());
    settings.put(ORCHESTRATOR_URL, endpoints.orchestratorUrl());
    settings.put(JWT_ISSUER_URI, endpoints.issuerUri());
    settings.put(JWT_JWK_SET_URI, endpoints.jwkSetUri());
    settings.put(JWT_AUDIENCES, StackSettings.GATEWAY_AUDIENCE);
    return settings;
  }

  private static String fileUrl(Path file) {
    return "file:" + file.toAbsolutePath();
  }

  /**
   * The settings as environment variables, named in Spring Boot's canonical form (dots become
   * underscores, dashes are dropped, upper case): how {@code docker-compose.yml} and the process
   * stack pass them.
   */
  public static Map<String, String> environment(Map<String, String> settings) {
    Map<String, String> environment = new LinkedHashMap<>();
    settings.forEach((name, value) -> environment.put(environmentName(name), value));
    return environment;
  }

  /** {@code spring.kafka.bootstrap-servers} becomes {@code SPRING_KAFKA_BOOTSTRAPSERVERS}. */
  public static String environmentName(String property) {
    return property.replace(".", "_").replace("-", "").toUpperCase(Locale.ROOT);
  }

  /** The settings as Spring Boot command-line arguments. */
  public static List<String> arguments(Map<String, String> settings) {
    List<String> arguments = new ArrayList<>();
    settings.forEach((name, value) -> arguments.add("--" + name + "=" + value));
    return arguments;
  }
}
