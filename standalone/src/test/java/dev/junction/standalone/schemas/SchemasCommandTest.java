package dev.junction.standalone.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline parts of {@code bin/junction schemas}: usage, release, bad settings. */
class SchemasCommandTest {

  @TempDir Path home;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... options) {
    return SchemasCommand.run(
        home, List.of(options), env, new PrintStream(output, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return output.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsUsageAndRefusesUnknownActions() {
    assertThat(run(Map.of(), "help")).isZero();
    assertThat(run(Map.of(), "publish")).isEqualTo(2);
    assertThat(output()).contains("Usage: bin/junction schemas <check|register|release>");
  }

  @Test
  void releaseRecordsEveryPlatformAndApiSchema() throws Exception {
    Path dir = Files.createDirectories(home.resolve("apis/schemas/shop/v1"));
    Files.writeString(
        dir.resolve("Order.avsc"),
        "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop.v1\","
            + "\"fields\":[{\"name\":\"sku\",\"type\":\"string\"}]}");

    assertThat(run(Map.of(), "release")).isZero();

    try (var released = Files.list(home.resolve("schemas/released"))) {
      assertThat(released.map(f -> f.getFileName().toString()))
          .contains("shop.v1.Order.avsc", "orchestrator.commands-value.avsc");
    }
  }

  @Test
  void refusesATokenUrlWithoutClientCredentials() {
    int status = run(Map.of("JUNCTION_REGISTRY_TOKEN_URL", "http://127.0.0.1:9/token"), "check");

    assertThat(status).isEqualTo(1);
    assertThat(output())
        .contains("JUNCTION_REGISTRY_CLIENT_ID and JUNCTION_REGISTRY_CLIENT_SECRET too");
  }

  @Test
  void reportsAnUnreachableRegistry() {
    int status = run(Map.of(), "check", "--registry", "http://127.0.0.1:9");

    assertThat(status).isEqualTo(1);
    assertThat(output())
        .contains("cannot reach the schema registry at http://127.0.0.1:9/apis/ccompat/v7");
  }
}
