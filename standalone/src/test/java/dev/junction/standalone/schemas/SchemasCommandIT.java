package dev.junction.standalone.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.kiota.ApiException;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.contract.schema.ClientCredentials;
import dev.junction.contract.schema.CompatibilityMode;
import dev.junction.contract.schema.RegistryClient;
import dev.junction.contract.schema.RegistryCredentials;
import dev.junction.infra.ChildProcess;
import dev.junction.infra.FreePorts;
import dev.junction.infra.InfraPaths;
import dev.junction.infra.Readiness;
import dev.junction.standalone.issuer.DevIssuer;
import dev.junction.wire.WorkflowRequested;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code bin/junction schemas} against an Apicurio Registry that requires OAuth2 bearer tokens
 * (Quarkus OIDC), issued by the development issuer (Spring Authorization Server) with the
 * client-credentials grant. Free ports only.
 */
class SchemasCommandIT {

  private static final String CLIENT_ID = "schema-publisher";
  private static final String CLIENT_SECRET = "publisher-secret";
  private static final String AUDIENCE = "registry-api";

  @TempDir static Path dir;

  private static ConfigurableApplicationContext issuer;
  private static ChildProcess registry;
  private static String tokenUrl;
  private static String registryUrl;

  @BeforeAll
  static void start() {
    int issuerPort = FreePorts.next();
    issuer =
        DevIssuer.start(
            issuerPort, dir.resolve("issuer.jwk"), CLIENT_ID, CLIENT_SECRET, "registry", AUDIENCE);
    String issuerUrl = "http://127.0.0.1:" + issuerPort;
    tokenUrl = issuerUrl + "/oauth2/token";
    int port = FreePorts.next();
    int managementPort = FreePorts.next();
    registryUrl = "http://127.0.0.1:" + port + "/apis/registry/v3";
    // Apicurio with Quarkus OIDC on: every API call needs a bearer token of the issuer
    Map<String, String> oidc =
        Map.of(
            "QUARKUS_HTTP_HOST",
            "127.0.0.1",
            "QUARKUS_HTTP_PORT",
            String.valueOf(port),
            "QUARKUS_MANAGEMENT_HOST",
            "127.0.0.1",
            "QUARKUS_MANAGEMENT_PORT",
            String.valueOf(managementPort),
            "QUARKUS_OIDC_TENANT_ENABLED",
            "true",
            "QUARKUS_OIDC_AUTH_SERVER_URL",
            issuerUrl,
            "QUARKUS_OIDC_CLIENT_ID",
            AUDIENCE,
            "QUARKUS_OIDC_TOKEN_AUDIENCE",
            AUDIENCE);
    Path apicurio = InfraPaths.apicurioDir();
    registry =
        ChildProcess.start(
            "apicurio[schemas-command-it]",
            List.of(ChildProcess.javaBinary(), "-Xmx256m", "-jar", "quarkus-run.jar"),
            apicurio,
            oidc,
            dir.resolve("apicurio.log"));
    Readiness.await(
        registry,
        Duration.ofSeconds(90),
        () -> Readiness.httpOk("http://127.0.0.1:" + managementPort + "/health/ready", "UP"));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  private static Map<String, String> credentials() {
    return Map.of(
        "JUNCTION_REGISTRY_TOKEN_URL", tokenUrl,
        "JUNCTION_REGISTRY_CLIENT_ID", CLIENT_ID,
        "JUNCTION_REGISTRY_CLIENT_SECRET", CLIENT_SECRET);
  }

  @Test
  void theSerdeWritesWithTokensFromTheSameCredentials() {
    RegistryCredentials credentials =
        RegistryCredentials.fromEnvironment(credentials()).orElseThrow();
    Serializer<WorkflowRequested> serializer = AvroSerdes.serializer(registryUrl, credentials);
    Deserializer<WorkflowRequested> deserializer =
        AvroSerdes.deserializer(WorkflowRequested.class, registryUrl, credentials);
    Serializer<WorkflowRequested> anonymous = AvroSerdes.serializer(registryUrl);
    WorkflowRequested request = request();

    byte[] bytes = serializer.serialize("schemas-command-it.commands", request);

    assertThat(bytes[0]).as("Confluent magic byte").isZero();
    assertThat(deserializer.deserialize("schemas-command-it.commands", bytes)).isEqualTo(request);
    assertThatThrownBy(() -> anonymous.serialize("schemas-command-it.other", request))
        .satisfies(
            e ->
                assertThat(
                        Stream.iterate(e, Objects::nonNull, Throwable::getCause)
                            .filter(ApiException.class::isInstance)
                            .map(t -> ((ApiException) t).getResponseStatusCode()))
                    .as("the registry's answer without a token")
                    .contains(401));
  }

  private static WorkflowRequested request() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return WorkflowRequested.newBuilder()
        .setRunId("run-1")
        .setWorkflow("create-order")
        .setApi("orders")
        .setApiVersion("v1")
        .setOperation("createOrder")
        .setMethod("POST")
        .setPath("/orders/v1/orders")
        .setReplyTopic("gateway.replies")
        .setReplyPartition(0)
        .setRequestedAt(now)
        .setDeadline(now.plusSeconds(5))
        .build();
  }

  private record Run(int status, String output) {}

  private static Run schemas(Map<String, String> env, String... arguments) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    List<String> options = new java.util.ArrayList<>(List.of(arguments));
    options.addAll(List.of("--registry", registryUrl));
    int status =
        SchemasCommand.run(
            InfraPaths.home(), options, env, new PrintStream(output, true, StandardCharsets.UTF_8));
    return new Run(status, output.toString(StandardCharsets.UTF_8));
  }

  @Test
  void registersWithClientCredentialsAndChangesNothingTheSecondTime() {
    Run refused = schemas(Map.of(), "check");
    Run first = schemas(credentials(), "register");
    Run second = schemas(credentials(), "register");
    Run check = schemas(credentials(), "check");

    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.output())
        .contains("HTTP 401")
        .contains("the registry requires a token: set the OAuth2 client credentials");
    assertThat(first.status()).as(first.output()).isZero();
    assertThat(first.output())
        .contains("orchestrator.commands-value (dev.junction.wire.WorkflowRequested): new subject")
        .contains(
            "dev.junction.samples.orders.v1.CreateOrderRequest"
                + " (apis/schemas/orders/v1/CreateOrderRequest.avsc): new subject")
        .contains("0 incompatible");
    assertThat(second.status()).isZero();
    assertThat(second.output()).doesNotContain("new subject").contains("unchanged, version 1");
    assertThat(check.output()).doesNotContain("new subject");

    HttpClient http = HttpClient.newHttpClient();
    RegistryClient authenticated =
        new RegistryClient(
            registryUrl,
            new ClientCredentials(
                URI.create(tokenUrl), CLIENT_ID, CLIENT_SECRET, null, http, Clock.systemUTC()),
            http);
    assertThat(authenticated.versions("dev.junction.samples.orders.v1.CreateOrderRequest"))
        .hasSize(1);
    assertThat(authenticated.compatibility("orchestrator.commands-value"))
        .hasValue(CompatibilityMode.BACKWARD);
  }
}
