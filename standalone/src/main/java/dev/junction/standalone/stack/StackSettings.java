package dev.junction.standalone.stack;

import dev.junction.infra.FreePorts;
import dev.junction.infra.KeycloakServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Where and on which ports the embedded stack runs.
 *
 * @param home the Junction checkout: service jars, {@code apis/}, {@code workflows/}
 * @param dataDir broker data, service state and logs of this stack (the issuer's key lives in
 *     {@code keyFile})
 * @param keyFile the dev issuer's signing key, kept across runs so tokens survive restarts
 * @param gatewayPorts one port per gateway instance; instance i owns reply partition i
 * @param clientSecret secret of the sample OAuth2 client {@code junction-sample}
 * @param security TLS of the gateways and SASL_SSL of the broker; null for plain HTTP and PLAINTEXT
 * @param configHome the folder whose {@code apis/} and {@code workflows/} the gateways and the
 *     orchestrator read (and reload): {@code home} unless a test or an import target says otherwise
 * @param identityProvider who issues the tokens, on {@code issuerPort}: the dev issuer, or Keycloak
 *     (process stack only)
 */
public record StackSettings(
    Path home,
    Path dataDir,
    Path keyFile,
    int kafkaPort,
    int kafkaControllerPort,
    int registryPort,
    int registryManagementPort,
    int issuerPort,
    int backendPort,
    int orchestratorPort,
    int connectorPort,
    List<Integer> gatewayPorts,
    String clientSecret,
    StackSecurity security,
    Path configHome,
    IdentityProvider identityProvider) {

  public static final String SAMPLE_CLIENT_ID = "junction-sample";
  public static final String DEV_CLIENT_SECRET = "junction-sample-secret";
  public static final String GATEWAY_AUDIENCE = "junction-gateway";

  /** Scopes of the sample client's tokens unless it asks for others. */
  public static final String SAMPLE_SCOPES = "orders:write orders:read runs:read";

  /**
   * Scope of the run history and control through the gateway; the sample client may ask for it
   * ({@code bin/junction token --scope runs:admin}): on a laptop the developer is the operator.
   */
  public static final String OPERATOR_SCOPE = "runs:admin";

  /**
   * Scope of every subscription (list, suspend, export, import) at the gateway; the sample client
   * may ask for it too ({@code bin/junction export} does).
   */
  public static final String SUBSCRIPTIONS_OPERATOR_SCOPE = "subscriptions:admin";

  /**
   * The embedded default on its documented ports (gateway 8080). Broker data is fresh at each start
   * because the registry keeps schemas in memory: records written under an earlier registry's ids
   * would not be readable.
   */
  public static StackSettings defaults(Path home, int gateways) {
    Path base = home.resolve(".junction");
    String secret =
        System.getenv().getOrDefault("JUNCTION_SAMPLE_CLIENT_SECRET", DEV_CLIENT_SECRET);
    return new StackSettings(
        home,
        base.resolve("run"),
        base.resolve("dev-issuer").resolve("signing-key.jwk"),
        9092,
        9093,
        8180,
        8181,
        9000,
        9100,
        8081,
        8082,
        IntStream.range(0, gateways).mapToObj(i -> i == 0 ? 8080 : 8089 + i).toList(),
        secret,
        null,
        home,
        IdentityProvider.DEV);
  }

  /** A stack on free ports with its data in a new temporary folder, for tests and benchmarks. */
  public static StackSettings ephemeral(Path home, String name, int gateways) {
    try {
      Path dir = Files.createTempDirectory("junction-" + name + "-");
      return new StackSettings(
          home,
          dir.resolve("run"),
          dir.resolve("dev-issuer").resolve("signing-key.jwk"),
          FreePorts.next(),
          FreePorts.next(),
          FreePorts.next(),
          FreePorts.next(),
          FreePorts.next(),
          FreePorts.next(),
          FreePorts.next(),
          FreePorts.next(),
          IntStream.range(0, gateways).mapToObj(i -> FreePorts.next()).toList(),
          DEV_CLIENT_SECRET,
          null,
          home,
          IdentityProvider.DEV);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same stack with its data, logs and PIDs in {@code dir}. */
  public StackSettings withDataDir(Path dir) {
    return with(dir, security, configHome, identityProvider);
  }

  /** The same stack with TLS and Kafka authentication (null: without). */
  public StackSettings withSecurity(StackSecurity security) {
    return with(dataDir, security, configHome, identityProvider);
  }

  /** The same stack reading its catalog and workflows from {@code dir}'s {@code apis/} etc. */
  public StackSettings withConfigHome(Path dir) {
    return with(dataDir, security, dir, identityProvider);
  }

  /** The same stack with its tokens from {@code provider}. */
  public StackSettings withIdentityProvider(IdentityProvider provider) {
    return with(dataDir, security, configHome, provider);
  }

  private StackSettings with(
      Path dataDir, StackSecurity security, Path configHome, IdentityProvider identityProvider) {
    return new StackSettings(
        home,
        dataDir,
        keyFile,
        kafkaPort,
        kafkaControllerPort,
        registryPort,
        registryManagementPort,
        issuerPort,
        backendPort,
        orchestratorPort,
        connectorPort,
        gatewayPorts,
        clientSecret,
        security,
        configHome,
        identityProvider);
  }

  /** The API catalog folder the gateways read. */
  public Path catalogDir() {
    return configHome.resolve("apis");
  }

  /** The workflow folder the orchestrators read. */
  public Path workflowsDir() {
    return configHome.resolve("workflows");
  }

  public Path logDir() {
    return dataDir.resolve("logs");
  }

  /** The tokens' {@code iss}. */
  public String issuerUrl() {
    return switch (identityProvider) {
      case DEV -> "http://127.0.0.1:" + issuerPort;
      case KEYCLOAK -> KeycloakServer.issuerUrl(issuerPort, IdentityProvider.KEYCLOAK_REALM);
    };
  }

  /** The issuer's signing keys (JWKS), as the gateway reads them. */
  public String jwkSetUrl() {
    return switch (identityProvider) {
      case DEV -> issuerUrl() + "/oauth2/jwks";
      case KEYCLOAK -> issuerUrl() + "/protocol/openid-connect/certs";
    };
  }

  /** Where the sample client gets tokens (client credentials). */
  public String tokenUrl() {
    return switch (identityProvider) {
      case DEV -> issuerUrl() + "/oauth2/token";
      case KEYCLOAK -> issuerUrl() + "/protocol/openid-connect/token";
    };
  }

  public String gatewayUrl(int instance) {
    return (gatewayTls() == null ? "http" : "https") + "://127.0.0.1:" + gatewayPorts.get(instance);
  }

  /** The gateways' TLS, or null when they serve plain HTTP. */
  public ServiceSettings.GatewayTls gatewayTls() {
    return security == null ? null : security.gatewayTls();
  }
}
