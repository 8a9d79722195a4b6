package dev.junction.gateway.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.gateway.catalog.ApiCatalog;
import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.CatalogLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortalCatalogTest {

  private final CatalogLoader loader = new CatalogLoader(Duration.ofSeconds(10));

  @Test
  void describesTheSampleApisWithScopesAndRateLimits() {
    Path apis = Path.of("../apis");
    ApiCatalog catalog =
        new ApiCatalog(
            List.of(
                loader.load(apis, apis.resolve("petstore-v3.yaml")),
                loader.load(apis, apis.resolve("orders-v1.yaml"))));

    List<PortalCatalog.Api> described = PortalCatalog.describe(catalog);

    assertThat(described).extracting(PortalCatalog.Api::name).containsExactly("orders", "petstore");
    PortalCatalog.Api orders = described.getFirst();
    assertThat(orders.version()).isEqualTo("v1");
    assertThat(orders.title()).isEqualTo("Orders");
    assertThat(orders.status()).isEqualTo(PortalCatalog.Status.CURRENT);
    assertThat(orders.openapi()).isEqualTo("/apis/orders/v1/openapi.json");
    PortalCatalog.Op create = orders.operations().getFirst();
    assertThat(create.id()).isEqualTo("createOrder");
    assertThat(create.method()).isEqualTo("POST");
    assertThat(create.path()).isEqualTo("/orders/v1/orders");
    assertThat(create.kind()).isEqualTo("workflow");
    assertThat(create.scopes()).containsExactly("orders:write");
    assertThat(create.rateLimits()).isEmpty();
    PortalCatalog.Op pet = described.get(1).operations().getFirst();
    assertThat(pet.kind()).isEqualTo("mock");
    assertThat(pet.rateLimits())
        .containsExactly(new PortalCatalog.Limit("petstore-v3", 20, 10, "client"));
  }

  @Test
  void showsTagsAndDeprecation(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("old-v1.yaml"),
            """
            name: old
            version: v1
            tags: [legacy, billing]
            deprecated: true
            basePath: /old/v1
            operations:
              - id: ping
                method: GET
                path: /ping
                mock:
                  status: 204
            """);
    ApiDefinition api = loader.load(dir, file);

    PortalCatalog.Api described = PortalCatalog.describe(new ApiCatalog(List.of(api))).getFirst();

    assertThat(described.status()).isEqualTo(PortalCatalog.Status.DEPRECATED);
    assertThat(described.tags()).containsExactly("legacy", "billing");
    // an API without a title is listed under its name; without a description, with none
    assertThat(described.title()).isEqualTo("old");
    assertThat(described.description()).isEmpty();
  }

  @Test
  void listsTheCurrentRevisionOfEachVersionWithItsChangeLogNewestFirst(@TempDir Path dir)
      throws IOException {
    String zoo =
        """
        name: zoo
        version: v1
        versionScheme: header
        defaultVersion: v1
        basePath: /zoo
        backend: {url: "http://127.0.0.1:9300"}
        operations:
          - {id: listAnimals, method: GET, path: /animals}
        """;
    ApiDefinition current =
        loader.load(
            dir,
            Files.writeString(
                dir.resolve("zoo-v1.yaml"),
                zoo
                    + """
                    revision: 2
                    changeLog:
                      - {revision: 1, date: 2026-11-02, description: First release}
                      - {revision: 2, date: 2026-11-20, description: Keepers}
                    """));
    ApiDefinition tested =
        loader.load(
            dir,
            Files.writeString(
                dir.resolve("zoo-v1-rev3.yaml"), zoo + "revision: 3\ncurrent: false\n"));

    List<PortalCatalog.Api> described =
        PortalCatalog.describe(new ApiCatalog(List.of(current, tested)));

    assertThat(described).hasSize(1);
    PortalCatalog.Versions versioning = described.getFirst().versioning();
    assertThat(versioning.scheme()).isEqualTo("header");
    assertThat(versioning.isDefault()).isTrue();
    assertThat(versioning.revision()).isEqualTo(2);
    assertThat(versioning.revisions()).containsExactly(2, 3);
    assertThat(versioning.changeLog())
        .containsExactly(
            new PortalCatalog.Change(2, "2026-11-20", "Keepers"),
            new PortalCatalog.Change(1, "2026-11-02", "First release"));
  }
}
