package dev.junction.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policies.jwt} in catalog files. */
class JwtPolicyCatalogTest {

  private static final String API =
      """
      name: partners
      version: v1
      basePath: /partners/v1
      policies:
        jwt:
          issuers: [corp, partners]
          audiences: [partner-api]
          requiredClaims:
            tenant: [acme, globex]
            email_verified: true
      operations:
        - id: list
          method: GET
          path: /items
          mock: {body: []}
        - id: admin
          method: DELETE
          path: /items
          policies:
            jwt:
              issuers: [corp]
              requiredClaims: {groups: admins, sid: "*"}
          mock: {status: 204}
      """;

  @TempDir Path dir;
  private final CatalogLoader loader =
      new CatalogLoader(Duration.ofSeconds(10), Set.of("corp", "partners", "default"));

  private ApiDefinition load(String content) throws Exception {
    return loader.load(dir, Files.writeString(dir.resolve("partners-v1.yaml"), content));
  }

  @Test
  void readsTheApisPolicyAndLetsAnOperationNarrowIt() throws Exception {
    ApiDefinition api = load(API);

    JwtPolicy list = api.operations().get(0).policies().jwt().orElseThrow();
    assertThat(list.issuers()).containsExactly("corp", "partners");
    assertThat(list.audiences()).containsExactly("partner-api");
    assertThat(list.requiredClaims())
        .isEqualTo(Map.of("tenant", List.of("acme", "globex"), "email_verified", List.of("true")));

    JwtPolicy admin = api.operations().get(1).policies().jwt().orElseThrow();
    assertThat(admin.issuers()).containsExactly("corp");
    assertThat(admin.audiences()).containsExactly("partner-api");
    assertThat(admin.requiredClaims())
        .containsEntry("tenant", List.of("acme", "globex"))
        .containsEntry("groups", List.of("admins"))
        .containsEntry("sid", List.of());
  }

  @Test
  void anApiWithoutAPolicyHasNone() throws Exception {
    ApiDefinition api = load(API.replaceAll("(?s)policies:\\n  jwt:.*?operations:", "operations:"));

    assertThat(api.operations().get(0).policies().jwt()).isEmpty();
    assertThat(api.operations().get(1).policies().jwt().orElseThrow().issuers())
        .containsExactly("corp");
  }

  @Test
  void namesEveryMistake() throws Exception {
    String bad =
        API.replace("issuers: [corp, partners]", "issuers: [corp, nobody]")
            .replace("audiences: [partner-api]", "audiences: []\n    typ: at+jwt")
            .replace("sid: \"*\"", "sid: {nested: true}");

    CatalogException error = catchThrowableOfType(CatalogException.class, () -> load(bad));

    assertThat(error.problems())
        .containsExactlyInAnyOrder(
            "policies.jwt.issuers[1]: no issuer 'nobody' is configured"
                + " (junction.gateway.jwt.issuers: [corp, default, partners])",
            "policies.jwt.audiences: must be a non-empty list",
            "policies.jwt.typ: unknown key (expected one of audiences, issuers, requiredClaims)",
            "operations[1].policies.jwt.requiredClaims.sid[0]: must be a text value");
  }
}
