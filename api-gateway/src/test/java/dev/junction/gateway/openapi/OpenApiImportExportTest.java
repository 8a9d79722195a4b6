package dev.junction.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.gateway.Fixtures;
import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.CatalogLoader;
import dev.junction.gateway.catalog.Operation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OpenApiImportExportTest {

  private static final Path PETSTORE = Fixtures.file("openapi/swagger-petstore-v3-openapi.yaml");
  private static final JsonMapper JSON = JsonMapper.shared();

  @TempDir Path catalog;
  private final OpenApiImporter importer = new OpenApiImporter();
  private final OpenApiExporter exporter = new OpenApiExporter(JSON);
  private final CatalogLoader loader = new CatalogLoader(Duration.ofSeconds(10));

  private ApiDefinition importPetstore(boolean mock) {
    OpenApiImporter.Result result =
        importer.importFile(
            PETSTORE,
            catalog,
            new OpenApiImporter.Options("petstore", "v3", null, null, mock, "20/10s", false));
    return loader.load(catalog, result.entry());
  }

  @Test
  void importsEveryOperationOfThePetstoreAsAPassThroughEntry() {
    ApiDefinition api = importPetstore(false);

    assertThat(api.basePath()).isEqualTo("/petstore/v3");
    assertThat(api.openapi()).isEqualTo(catalog.resolve("openapi/petstore-v3.yaml"));
    assertThat(api.operations()).hasSize(19);
    Operation getPet =
        api.operations().stream()
            .filter(o -> o.id().equals("getPetById"))
            .findFirst()
            .orElseThrow();
    assertThat(getPet.path()).isEqualTo("/petstore/v3/pet/{petId}");
    assertThat(((Backend.Http) getPet.backend()).url())
        .isEqualTo(URI.create("https://petstore3.swagger.io/api/v3"));
    assertThat(getPet.rateLimits())
        .singleElement()
        .satisfies(
            limit -> {
              assertThat(limit.limit()).isEqualTo(20);
              assertThat(limit.window()).isEqualTo(Duration.ofSeconds(10));
            });
  }

  @Test
  void mocksEachOperationFromItsSchemaExamples() {
    ApiDefinition api = importPetstore(true);

    Backend.Mock getPet = (Backend.Mock) operation(api, "getPetById").backend();
    assertThat(getPet.response().status()).isEqualTo(200);
    assertThat(getPet.response().contentType()).isEqualTo("application/json");
    JsonNode pet = JSON.readTree(getPet.response().body());
    assertThat(pet.get("id").asInt()).isEqualTo(10);
    assertThat(pet.get("name").asString()).isEqualTo("doggie");
    assertThat(pet.get("category").get("name").asString()).isEqualTo("Dogs");
    assertThat(pet.get("status").asString()).isEqualTo("available");
    Backend.Mock login = (Backend.Mock) operation(api, "loginUser").backend();
    assertThat(JSON.readTree(login.response().body()).isString()).isTrue();
    Backend.Mock delete = (Backend.Mock) operation(api, "deletePet").backend();
    assertThat(delete.response().body()).isNull();
  }

  @Test
  void exportsAnImportedApiAsValidOpenApi30KeepingItsSchemas() {
    JsonNode document = JSON.valueToTree(exporter.export(importPetstore(true)));

    assertThat(Fixtures.openApi30Violations(document)).isEmpty();
    assertThat(document.get("openapi").asString()).isEqualTo("3.0.3");
    assertThat(document.get("servers").get(0).get("url").asString()).isEqualTo("/petstore/v3");
    assertThat(document.get("components").get("schemas").has("Pet")).isTrue();
    assertThat(document.get("components").get("securitySchemes").has("petstore_auth")).isFalse();
    JsonNode getPet = document.get("paths").get("/pet/{petId}").get("get");
    assertThat(getPet.get("operationId").asString()).isEqualTo("getPetById");
    assertThat(getPet.get("responses").get("200").get("content").has("application/json")).isTrue();
    assertThat(getPet.has("security")).isFalse();
  }

  @Test
  void theSchemaCheckCatchesABrokenDocument() {
    tools.jackson.databind.node.ObjectNode document = exporter.export(importPetstore(false));
    document.remove("info");
    ((tools.jackson.databind.node.ObjectNode) document.get("paths")).putObject("no-slash");

    assertThat(Fixtures.openApi30Violations(JSON.valueToTree(document))).hasSizeGreaterThan(1);
  }

  @Test
  void exportsTheCompositeSampleApiAsValidOpenApi30() {
    Path apis = Path.of("../apis");
    JsonNode document =
        JSON.valueToTree(exporter.export(loader.load(apis, apis.resolve("orders-v1.yaml"))));

    assertThat(Fixtures.openApi30Violations(document)).isEmpty();
    JsonNode create = document.get("paths").get("/orders").get("post");
    JsonNode body = create.get("requestBody").get("content").get("application/json").get("schema");
    assertThat(body.get("required")).extracting(JsonNode::asString).contains("sku");
    assertThat(create.get("x-junction-scopes").get(0).asString()).isEqualTo("orders:write");
    assertThat(create.get("responses").has("202")).isTrue();
  }

  @Test
  void exportsTheSampleCatalogsPetstoreAsValidOpenApi30() {
    Path apis = Path.of("../apis");
    ApiDefinition petstore = loader.load(apis, apis.resolve("petstore-v3.yaml"));

    assertThat(petstore.operations())
        .hasSize(19)
        .allSatisfy(operation -> assertThat(operation.backend()).isInstanceOf(Backend.Mock.class))
        .allSatisfy(
            operation ->
                assertThat(operation.rateLimits())
                    .singleElement()
                    .satisfies(limit -> assertThat(limit.limit()).isEqualTo(20)));
    assertThat(Fixtures.openApi30Violations(JSON.valueToTree(exporter.export(petstore)))).isEmpty();
  }

  @Test
  void refusesToOverwriteAnEntryUnlessAsked() {
    importPetstore(false);

    assertThatThrownBy(() -> importPetstore(false))
        .isInstanceOf(OpenApiImporter.ImportException.class)
        .hasMessageContaining("exists already");
  }

  @Test
  void refusesSomethingThatIsNotOpenApi() throws IOException {
    Path notes = Files.writeString(catalog.resolve("notes.yaml"), "hello: world\n");

    assertThatThrownBy(
            () ->
                importer.importFile(
                    notes,
                    catalog,
                    new OpenApiImporter.Options("x", "v1", null, null, true, null, false)))
        .isInstanceOf(OpenApiImporter.ImportException.class)
        .hasMessageContaining("is not an OpenAPI 3 document");
  }

  private static Operation operation(ApiDefinition api, String id) {
    return api.operations().stream().filter(o -> o.id().equals(id)).findFirst().orElseThrow();
  }
}
