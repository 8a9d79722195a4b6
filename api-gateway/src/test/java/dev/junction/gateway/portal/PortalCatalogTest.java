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
}
