package dev.junction.gateway.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.gateway.catalog.RateLimitKey;
import dev.junction.gateway.catalog.RateLimitPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProductLoaderTest {

  @TempDir Path dir;

  private Product load(String yaml) throws IOException {
    Path file = dir.resolve("p.yaml");
    Files.writeString(file, yaml);
    return new ProductLoader().load(dir, file);
  }

  @Test
  void readsAProductWithItsApisAndLimitsKeyedBySubscription() throws IOException {
    Product product =
        load(
            """
            name: starter
            title: Starter
            description: Try the APIs
            apis:
              - {name: petstore, version: v3}
              - name: orders
            approvalRequired: true
            subscriptionRequired: false
            limits:
              rateLimit: {limit: 10, window: 10s}
              quota: {limit: 1000, window: 1d}
            """);

    assertThat(product.name()).isEqualTo("starter");
    assertThat(product.approvalRequired()).isTrue();
    assertThat(product.subscriptionRequired()).isFalse();
    assertThat(product.includes("petstore", "v3")).isTrue();
    assertThat(product.includes("petstore", "v2")).isFalse();
    assertThat(product.includes("orders", "v7")).isTrue();
    RateLimitKey bySubscription = new RateLimitKey(RateLimitKey.Kind.SUBSCRIPTION, null);
    assertThat(product.limits())
        .containsExactly(
            new RateLimitPolicy("starter.rateLimit", 10, Duration.ofSeconds(10), bySubscription),
            new RateLimitPolicy("starter.quota", 1000, Duration.ofDays(1), bySubscription));
  }

  @Test
  void defaultsToAutomaticApprovalRequiredKeysAndNoLimits() throws IOException {
    Product product = load("name: free\napis: [{name: petstore}]\n");

    assertThat(product.approvalRequired()).isFalse();
    assertThat(product.subscriptionRequired()).isTrue();
    assertThat(product.limits()).isEmpty();
    assertThat(product.title()).isEqualTo("free");
  }

  @Test
  void reportsEveryProblemWithItsPathInTheFile() {
    assertThatThrownBy(
            () ->
                load(
                    """
                    name: Bad Name
                    apis:
                      - {name: petstore, version: "v 3"}
                      - oops
                    approvalRequired: maybe
                    limits:
                      quota: {limit: 0, window: soon}
                      burst: {limit: 1, window: 1s}
                    extra: 1
                    """))
        .isInstanceOf(ProductException.class)
        .hasMessageContaining("Invalid product file p.yaml")
        .satisfies(
            e ->
                assertThat(((ProductException) e).problems())
                    .containsExactlyInAnyOrder(
                        "extra: unknown key (expected one of apis, approvalRequired, description,"
                            + " limits, name, subscriptionRequired, title)",
                        "name: must be lowercase letters, digits and dashes, got 'Bad Name'",
                        "apis[0].version: must be an API version like v1, got 'v 3'",
                        "apis[1]: must be a mapping with name and, optionally, version",
                        "approvalRequired: must be true or false",
                        "limits.burst: unknown key (expected one of quota, rateLimit)",
                        "limits.quota.limit: must be a whole number from 1 to 1000000000, got '0'",
                        "limits.quota.window: must be a duration like 10s, 1h or 1d, got 'soon'"));
  }

  @Test
  void refusesAProductWithoutApis() {
    assertThatThrownBy(() -> load("name: empty\n"))
        .isInstanceOf(ProductException.class)
        .hasMessageContaining("apis: must be a non-empty list");
  }
}
