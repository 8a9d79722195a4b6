package dev.junction.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.gateway.transform.NamedValues;
import dev.junction.gateway.transform.NamedValuesProperties;
import dev.junction.gateway.transform.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions, revisions, change logs, transformations and named values in catalog files. */
class CatalogVersionsAndTransformsTest {

  private static final String SECRET = "s3cret-value";

  @TempDir Path dir;

  private final CatalogLoader loader =
      new CatalogLoader(
          Duration.ofSeconds(10),
          new NamedValues(
              Map.of(
                  "api-key", new NamedValuesProperties.Source("PETS_API_KEY", null, null),
                  "pets-host", new NamedValuesProperties.Source(null, null, "127.0.0.1:9300"),
                  "broken-host", new NamedValuesProperties.Source(null, null, SECRET + " x"),
                  "unset", new NamedValuesProperties.Source("UNSET_VARIABLE", null, null)),
              name -> name.equals("PETS_API_KEY") ? SECRET : null));

  private static String api(String version, String extra) {
    return """
        name: pets
        version: %s
        basePath: /pets
        backend: {url: "http://127.0.0.1:9300/api"}
        operations:
          - {id: getPet, method: GET, path: "/pets/{petId}"}
        """
            .formatted(version)
        + extra;
  }

  private ApiDefinition load(String name, String content) throws IOException {
    return loader.load(dir, Files.writeString(dir.resolve(name), content));
  }

  private List<String> problems(String content) throws IOException {
    try {
      load("api.yaml", content);
    } catch (CatalogException e) {
      return e.problems();
    }
    throw new AssertionError("expected the file to be refused");
  }

  @Test
  void readsTheVersionSchemeRevisionAndChangeLog() throws IOException {
    ApiDefinition api =
        load(
            "pets-v2.yaml",
            api(
                "v2",
                """
                versionScheme: header
                defaultVersion: v2
                revision: 3
                changeLog:
                  - {revision: 3, date: 2026-11-20, description: Pets carry their owner}
                """));

    assertThat(api.versioning())
        .isEqualTo(
            new Versioning(
                Versioning.Scheme.HEADER,
                "v2",
                3,
                null,
                List.of(
                    new Versioning.ChangeLogEntry(
                        3, LocalDate.of(2026, 11, 20), "Pets carry their owner"))));
    assertThat(api.revisionId()).isEqualTo("pets-v2;rev=3");
    assertThat(load("pets-v1.yaml", api("v1", "")).versioning()).isEqualTo(Versioning.DEFAULT);
  }

  @Test
  void namesEveryMistakeOfVersioning() throws IOException {
    assertThat(
            problems(
                api(
                    "v1",
                    """
                    versionScheme: query
                    revision: 0
                    current: yes please
                    changeLog:
                      - {revision: 2, date: yesterday}
                      - just text
                    """)))
        .containsExactlyInAnyOrder(
            "versionScheme: must be path or header, got 'query'",
            "revision: must be a whole number from 1 to 1000000, got '0'",
            "current: must be true or false",
            "changeLog[0].revision: 2 is later than the file's revision 1",
            "changeLog[0].date: must be a date like 2026-11-26, got 'yesterday'",
            "changeLog[0].description: is required",
            "changeLog[1]: must be a mapping with revision, date and description");
    assertThat(problems(api("v1", "defaultVersion: v1\n")))
        .containsExactly("defaultVersion: is only used with versionScheme: header");
  }

  @Test
  void letsRevisionsAndHeaderVersionsShareRoutesAndPicksTheCurrentRevision() throws IOException {
    ApiDefinition v1 = load("a.yaml", api("v1", "versionScheme: header\ndefaultVersion: v1\n"));
    ApiDefinition v2 = load("b.yaml", api("v2", "versionScheme: header\n"));
    ApiDefinition v2r2 = load("c.yaml", api("v2", "versionScheme: header\nrevision: 2\n"));
    ApiDefinition v2r3 =
        load("d.yaml", api("v2", "versionScheme: header\nrevision: 3\ncurrent: false\n"));

    assertThatCode(() -> CatalogLoader.checkConsistency(List.of(v1, v2, v2r2, v2r3)))
        .doesNotThrowAnyException();
    ApiVersions versions = ApiVersions.of(List.of(v1, v2, v2r2, v2r3));
    assertThat(versions.versions("pets")).containsExactly("v1", "v2");
    assertThat(versions.defaultVersion("pets")).hasValue("v1");
    assertThat(versions.revisions("pets", "v2")).containsExactly(1, 2, 3);
    assertThat(versions.current()).containsExactlyInAnyOrder(v1, v2r2);
    ApiDefinition v2r1Current = load("e.yaml", api("v2", "versionScheme: header\ncurrent: true\n"));
    assertThat(ApiVersions.of(List.of(v1, v2r1Current, v2r2)).current())
        .containsExactlyInAnyOrder(v1, v2r1Current);
  }

  @Test
  void refusesFilesThatDisagreeOnHowTheApiIsVersioned() throws IOException {
    ApiDefinition header =
        load("a.yaml", api("v1", "versionScheme: header\ndefaultVersion: v3\ncurrent: true\n"));
    ApiDefinition path =
        load("b.yaml", api("v2", "").replace("basePath: /pets", "basePath: /pets/v2"));
    ApiDefinition sameRevision =
        load("c.yaml", api("v1", "versionScheme: header\ncurrent: true\n"));
    ApiDefinition other = load("d.yaml", api("v1", "").replace("name: pets", "name: animals"));

    assertThatThrownBy(
            () -> CatalogLoader.checkConsistency(List.of(header, path, sameRevision, other)))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("API pets v1 is defined in both a.yaml and c.yaml")
        .hasMessageContaining("API pets: versionScheme is header in a.yaml but path in b.yaml")
        .hasMessageContaining(
            "API pets: defaultVersion v3 in a.yaml is not one of its versions [v1, v2]")
        .hasMessageContaining(
            "API pets v1: more than one revision is marked current: true (a.yaml, c.yaml)")
        .hasMessageContaining("GET /pets/pets/{petId} is defined in both a.yaml and d.yaml");
  }

  @Test
  void readsTransformationsAndMergesTheOperationsOntoTheApis() throws IOException {
    ApiDefinition api =
        load(
            "pets-v1.yaml",
            """
            name: pets
            version: v1
            basePath: /pets/v1
            backend: {url: "http://{{pets-host}}/api"}
            policies:
              transform:
                request:
                  setHeaders: {X-Api-Key: "{{api-key}}", X-Channel: gateway}
                  removeHeaders: [X-Debug]
                response:
                  removeHeaders: [Server]
            operations:
              - id: getPet
                method: GET
                path: "/pets/{petId}"
                policies:
                  transform:
                    request:
                      rewritePath: "/animals/{petId}"
                      setHeaders: {x-channel: "pets {{request.pathParams.petId}}"}
                      removeHeaders: [X-Trace]
                    response:
                      body:
                        template: {pet: "{{response.body.name}}"}
            """);

    Operation operation = api.operations().getFirst();
    Transforms transforms = operation.policies().transforms();
    assertThat(transforms.request().rewritePath()).hasValue("/animals/{petId}");
    assertThat(transforms.request().setHeaders()).containsOnlyKeys("X-Api-Key", "x-channel");
    assertThat(transforms.request().setHeaders().get("x-channel").source())
        .isEqualTo("pets {{request.pathParams.petId}}");
    assertThat(transforms.request().removeHeaders()).containsExactly("X-Debug", "X-Trace");
    assertThat(transforms.response().removeHeaders()).containsExactly("Server");
    Transforms.Body body = transforms.response().body().orElseThrow();
    assertThat(body.contentType()).isEqualTo("application/json");
    assertThat(body.template().source()).isEqualTo("{\"pet\":\"{{response.body.name}}\"}");
    Backend.Http backend = (Backend.Http) operation.backend();
    assertThat(backend.url()).hasToString("http://127.0.0.1:9300/api");
    assertThat(backend.label()).isEqualTo("http://{{pets-host}}/api");
    assertThat(api.toString()).doesNotContain(SECRET);
  }

  @Test
  void namesEveryMistakeOfTransformationsWithoutShowingNamedValues() throws IOException {
    List<String> problems =
        problems(
            """
            name: pets
            version: v1
            basePath: /pets/v1
            backend: {url: "http://{{broken-host}}/api"}
            policies:
              transform:
                request:
                  setHeaders: {"Bad Name": x, Content-Length: "1", X-Key: "{{unset}}"}
                  rewritePath: "no-slash"
                response:
                  setHeaders: {X-Body: "{{response.body.id}}"}
                  body: {template: "{{request.body}}", contentType: "not a type"}
                  colour: blue
            operations:
              - id: getPet
                method: GET
                path: "/pets/{petId}"
                backend: {url: "http://{{pets-host}}/api"}
                policies:
                  transform:
                    request:
                      rewritePath: "/animals/{id}"
                      setHeaders: {X-Who: "{{response.status}}", X-Missing: "{{nobody}}"}
              - id: runIt
                method: POST
                path: /run
                backend: {workflow: run-it}
                policies:
                  transform:
                    request: {rewritePath: /elsewhere}
            """);

    assertThat(problems)
        .containsExactlyInAnyOrder(
            "backend.url: is not a valid URL: 'http://{{broken-host}}/api' (Illegal character in"
                + " authority)",
            "policies.transform.request.setHeaders.Bad Name: 'Bad Name' is not a valid header name",
            "policies.transform.request.setHeaders.Content-Length: Content-Length is set by the"
                + " gateway and cannot be changed",
            "policies.transform.request.setHeaders.X-Key: named value 'unset': environment"
                + " variable UNSET_VARIABLE is not set",
            "policies.transform.request.rewritePath: must be a path like /legacy/pets/{petId},"
                + " got 'no-slash'",
            "policies.transform.response.setHeaders.X-Body: a header value cannot use a body (only"
                + " body templates can)",
            "policies.transform.response.body.contentType: is not a media type: 'not a type'",
            "policies.transform.response.colour: unknown key (expected one of body, removeHeaders,"
                + " setHeaders)",
            "operations[0].policies.transform.request.setHeaders.X-Who: 'response.status':"
                + " response.* is only available in response templates",
            "operations[0].policies.transform.request.setHeaders.X-Missing: named value 'nobody'"
                + " is not defined (junction.gateway.named-values.nobody)",
            "operations[0].policies.transform: rewritePath uses {id}, which the path"
                + " /pets/v1/pets/{petId} does not have",
            "operations[1].policies.transform: rewritePath is only supported with a url"
                + " (pass-through) backend");
    assertThat(String.join("\n", problems)).doesNotContain(SECRET);
  }

  @Test
  void refusesAVersionWithoutCurrentRevision() throws IOException {
    ApiDefinition onlyTested = load("a.yaml", api("v1", "current: false\n"));

    assertThatThrownBy(() -> CatalogLoader.checkConsistency(List.of(onlyTested)))
        .hasMessageContaining("API pets v1: every revision is marked current: false");
  }

  @Test
  void reloadsTheCatalogWhenANamedValuesFileChanges() throws IOException {
    Path secret =
        Files.writeString(Files.createDirectories(dir.resolve("secrets")).resolve("key"), "one");
    Path catalog = Files.createDirectories(dir.resolve("apis"));
    Files.writeString(
        catalog.resolve("pets-v1.yaml"),
        api("v1", "policies: {transform: {request: {setHeaders: {X-Key: \"{{key}}\"}}}}\n"));
    List<ApiCatalog> published = new java.util.ArrayList<>();
    ApiCatalogService service =
        new ApiCatalogService(
            catalog,
            new CatalogLoader(
                Duration.ofSeconds(10),
                new NamedValues(
                    Map.of("key", new NamedValuesProperties.Source(null, secret, null)),
                    n -> null)),
            Duration.ofSeconds(1),
            published::add);
    service.loadInitial();

    Files.writeString(secret, "two-longer");

    assertThat(service.reloadIfChanged()).isTrue();
    Template header =
        service
            .current()
            .operations()
            .getFirst()
            .policies()
            .transforms()
            .request()
            .setHeaders()
            .get("X-Key");
    assertThat(header.render((root, path) -> null, Template.Escaping.HEADER))
        .isEqualTo("two-longer");
    assertThat(published).hasSize(1);
  }

  @Test
  void aTemplateMayOnlyReadTheBodyItIsGiven() {
    Template request = Template.parse("{{request.body.name}}", NamedValues.NONE, false);

    assertThat(request.readsBody(Template.Root.REQUEST)).isTrue();
    assertThat(request.readsBody(Template.Root.RESPONSE)).isFalse();
  }
}
