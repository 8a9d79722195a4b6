package dev.junction.gateway;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The third-party test fixtures of the repository ({@code test-fixtures}, see its SOURCES.md) and
 * the OpenAPI 3.0 JSON schema validator built from them.
 */
public final class Fixtures {

  private static Schema openApi30;

  private Fixtures() {}

  /** A fixture file, e.g. {@code openapi/swagger-petstore-v3-openapi.yaml}. */
  public static Path file(String relative) {
    // tests run in the module's folder; the fixtures are at the repository's root
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("test-fixtures").resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "fixture test-fixtures/" + relative + " not found above " + Path.of("").toAbsolutePath());
  }

  /** The OpenAPI 3.0 document's violations of the OpenAPI 3.0 JSON schema (draft 4). */
  public static synchronized List<Error> openApi30Violations(JsonNode document) {
    if (openApi30 == null) {
      try {
        JsonNode schema =
            YAMLMapper.builder()
                .build()
                .readTree(Files.readString(file("openapi/oas-3.0-json-schema.yaml")));
        openApi30 =
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return openApi30.validate(document);
  }
}
