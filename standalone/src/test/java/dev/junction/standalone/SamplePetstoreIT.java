package dev.junction.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.junction.infra.InfraPaths;
import dev.junction.standalone.stack.EmbeddedStack;
import dev.junction.standalone.stack.StackSettings;
import dev.junction.standalone.stack.TokenClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The sample stack of {@code bin/junction up} serves the Petstore API imported from the Swagger
 * Petstore's OpenAPI document (apis/petstore-v3.yaml): mock responses, 20 calls per 10 s per
 * client, and its OpenAPI document valid against the OpenAPI 3.0 JSON schema.
 */
class SamplePetstoreIT {

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static EmbeddedStack stack;
  private static StackSettings settings;
  private static String token;

  @BeforeAll
  static void startStack() {
    settings = StackSettings.ephemeral(InfraPaths.home(), "petstore-it", 1);
    stack = EmbeddedStack.start(settings);
    token =
        TokenClient.fetch(
            settings.tokenUrl(),
            StackSettings.SAMPLE_CLIENT_ID,
            settings.clientSecret(),
            StackSettings.SAMPLE_SCOPES);
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(settings.gatewayUrl(0) + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesPetstoreMocksAndRefusesThe21stCallWithin10Seconds() throws Exception {
    List<String> paths =
        List.of(
            "/petstore/v3/pet/10",
            "/petstore/v3/pet/findByStatus?status=available",
            "/petstore/v3/store/inventory",
            "/petstore/v3/user/user1");
    HttpResponse<String> first = get(paths.getFirst());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(first.body()).get("name").asString()).isEqualTo("doggie");
    assertThat(first.headers().firstValue("RateLimit-Policy"))
        .hasValue("\"petstore-v3\";q=20;w=10");
    long started = System.nanoTime();
    for (int call = 2; call <= 20; call++) {
      HttpResponse<String> response = get(paths.get(call % paths.size()));
      assertThat(response.statusCode()).as("call %d", call).isEqualTo(200);
    }

    HttpResponse<String> refused = get("/petstore/v3/pet/10");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(9));
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(JSON.readTree(refused.body()).get("type").asString())
        .isEqualTo("https://junction.dev/problems/rate-limited");
    assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 10L);
  }

  @Test
  void exportsThePetstoreAsOpenApi30ThatValidatesAgainstTheSchema() throws Exception {
    HttpResponse<String> response = get("/apis/petstore/v3/openapi.json");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode document = JSON.readTree(response.body());
    JsonNode schema =
        YAMLMapper.builder()
            .build()
            .readTree(Files.readString(fixture("openapi/oas-3.0-json-schema.yaml")));
    assertThat(
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(schema)
                .validate(document))
        .isEmpty();
    assertThat(document.get("paths").size()).isEqualTo(13);
  }

  /** A third-party file of the repository's {@code test-fixtures} (see its SOURCES.md). */
  private static Path fixture(String relative) {
    Path file = InfraPaths.home().resolve("test-fixtures").resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("fixture " + file + " is missing");
    }
    return file;
  }
}
