package dev.junction.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiCatalogServiceTest {

  @TempDir Path dir;
  private final List<ApiCatalog> published = new ArrayList<>();
  private ApiCatalogService service;
  private int edits;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(dir.resolve("schemas"));
    Files.writeString(dir.resolve("schemas/CreateOrderRequest.avsc"), CatalogLoaderTest.SCHEMA);
    service =
        new ApiCatalogService(
            dir, new CatalogLoader(Duration.ofSeconds(10)), Duration.ofSeconds(1), published::add);
  }

  /** Writes a file with a distinct modification time, as an editor's save would. */
  void write(String name, String content) throws IOException {
    Path file = Files.writeString(dir.resolve(name), content);
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(++edits)));
  }

  @Test
  void failsStartUpOnAnInvalidFile() throws IOException {
    write("orders-v1.yaml", CatalogLoaderTest.GOOD.replace("method: POST", "method: SEND"));

    assertThatThrownBy(service::loadInitial)
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("orders-v1.yaml")
        .hasMessageContaining("operations[0].method");
  }

  @Test
  void servesAnEmptyCatalogWhenTheFolderIsEmpty() {
    assertThat(service.loadInitial().apis()).isEmpty();
  }

  @Test
  void reloadsChangedFilesAndTellsTheRoutes() throws IOException {
    write("orders-v1.yaml", CatalogLoaderTest.GOOD);
    service.loadInitial();
    assertThat(service.reloadIfChanged()).isFalse();

    write("orders-v1.yaml", CatalogLoaderTest.GOOD.replace("timeout: 5s", "timeout: 7s"));

    assertThat(service.reloadIfChanged()).isTrue();
    assertThat(service.current().operations().getFirst().timeout())
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(published).containsExactly(service.current());
  }

  @Test
  void servesACompatibleNewRequestSchemaButKeepsTheServedOneOnABreakingEdit() throws IOException {
    write("orders-v1.yaml", CatalogLoaderTest.GOOD);
    service.loadInitial();
    String v2 =
        """
        {"type":"record","name":"CreateOrderRequest","fields":[{"name":"sku","type":"string"},
          {"name":"note","type":["null","string"],"default":null}]}
        """;
    String breaking =
        """
        {"type":"record","name":"CreateOrderRequest","fields":[{"name":"sku","type":"string"},
          {"name":"note","type":["null","string"],"default":null},{"name":"channel","type":"string"}]}
        """;

    write("schemas/CreateOrderRequest.avsc", v2);
    assertThat(service.reloadIfChanged()).isTrue();
    write("schemas/CreateOrderRequest.avsc", breaking);

    assertThat(service.reloadIfChanged()).isFalse();
    assertThat(service.current().operations().getFirst().requestSchema().orElseThrow().getFields())
        .extracting(Schema.Field::name)
        .containsExactly("sku", "note");
    assertThat(
            SchemaEvolution.breakingChanges(
                service.current().apis().getFirst(),
                new CatalogLoader(Duration.ofSeconds(10)).load(dir, dir.resolve("orders-v1.yaml"))))
        .singleElement()
        .asString()
        .startsWith("operations[0].request.schema: field 'channel' breaks BACKWARD")
        .contains("the new schema cannot read data written with the schema being served");
  }

  @Test
  void keepsServingThePreviousVersionOfABrokenFile() throws IOException {
    write("orders-v1.yaml", CatalogLoaderTest.GOOD);
    ApiCatalog before = service.loadInitial();

    write(
        "orders-v1.yaml",
        CatalogLoaderTest.GOOD.replace("workflow: create-order", "url: http://x"));

    assertThat(service.reloadIfChanged()).isFalse();
    assertThat(service.current()).isEqualTo(before);
    assertThat(published).isEmpty();
  }

  @Test
  void addsNewFilesAndDropsDeletedOnes() throws IOException {
    write("orders-v1.yaml", CatalogLoaderTest.GOOD);
    service.loadInitial();

    write(
        "orders-v2.yaml",
        CatalogLoaderTest.GOOD
            .replace("version: v1", "version: v2")
            .replace("/orders/v1", "/orders/v2"));
    assertThat(service.reloadIfChanged()).isTrue();
    assertThat(service.current().apis())
        .extracting(ApiDefinition::version)
        .containsExactly("v1", "v2");

    Files.delete(dir.resolve("orders-v1.yaml"));
    assertThat(service.reloadIfChanged()).isTrue();
    assertThat(service.current().apis()).extracting(ApiDefinition::version).containsExactly("v2");
  }

  @Test
  void refusesAReloadThatWouldConflict() throws IOException {
    write("orders-v1.yaml", CatalogLoaderTest.GOOD);
    ApiCatalog before = service.loadInitial();

    write("copy.yaml", CatalogLoaderTest.GOOD);

    assertThat(service.reloadIfChanged()).isFalse();
    assertThat(service.current()).isEqualTo(before);
  }
}
