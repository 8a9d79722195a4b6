package dev.junction.gateway.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

class TemplateTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @TempDir Path dir;

  private final NamedValues named =
      new NamedValues(
          Map.of(
              "api-key", new NamedValuesProperties.Source("PETS_API_KEY", null, null),
              "region", new NamedValuesProperties.Source(null, null, "eu-west")),
          name -> name.equals("PETS_API_KEY") ? "s3cr\"et" : null);

  /** request.body is {"name":"Ann \"the\" great","tags":["a","b"]}; headers X-Tenant: acme. */
  private final Template.Values values =
      (root, path) ->
          switch (root) {
            case REQUEST ->
                switch (path.getFirst()) {
                  case "method" -> NODES.stringNode("POST");
                  case "headers" ->
                      path.get(1).equals("X-Tenant") ? NODES.stringNode("acme\r\nX-Evil: 1") : null;
                  case "body" -> member(REQUEST_BODY, path);
                  default -> null;
                };
            case RESPONSE -> path.getFirst().equals("status") ? NODES.numberNode(201) : null;
          };

  private static final JsonNode REQUEST_BODY =
      JsonMapper.shared().readTree("{\"name\":\"Ann \\\"the\\\" great\",\"tags\":[\"a\",\"b\"]}");

  private static JsonNode member(JsonNode node, List<String> path) {
    for (String segment : path.subList(1, path.size())) {
      if (node == null) {
        return null;
      }
      node = node.isArray() ? node.get(Integer.parseInt(segment)) : node.get(segment);
    }
    return node;
  }

  @Test
  void substitutesNamedValuesAndCallValues() {
    Template template =
        Template.parse("{{region}}/{{ request.method }}/{{request.body.tags.1}}", named, false);

    assertThat(template.render(values, Template.Escaping.NONE)).isEqualTo("eu-west/POST/b");
  }

  @Test
  void escapesValuesInsideJsonStringsUnlessRaw() {
    Template template =
        Template.parse(
            "{\"who\":\"{{request.body.name}}\",\"key\":\"{{api-key}}\",\"tags\":{{{request.body.tags}}}}",
            named,
            false);

    String json = template.render(values, Template.Escaping.JSON);

    assertThat(JsonMapper.shared().readTree(json))
        .isEqualTo(
            JsonMapper.shared()
                .readTree(
                    "{\"who\":\"Ann \\\"the\\\" great\",\"key\":\"s3cr\\\"et\",\"tags\":[\"a\",\"b\"]}"));
  }

  @Test
  void dropsControlCharactersFromHeaderValues() {
    Template template = Template.parse("tenant {{request.headers.X-Tenant}}", named, false);

    assertThat(template.render(values, Template.Escaping.HEADER)).isEqualTo("tenant acmeX-Evil: 1");
  }

  @Test
  void rendersMissingValuesAsEmpty() {
    Template template =
        Template.parse(
            "[{{request.headers.X-None}}][{{request.body.nothing.deeper}}]", named, false);

    assertThat(template.render(values, Template.Escaping.NONE)).isEqualTo("[][]");
  }

  @Test
  void neverShowsANamedValuesContent() {
    Template template = Template.parse("Bearer {{api-key}}", named, false);

    assertThat(template.toString()).isEqualTo("Bearer {{api-key}}");
    assertThat(template.parts().toString()).doesNotContain("s3cr");
    assertThat(template.namedValues()).containsExactly("api-key");
  }

  @Test
  void refusesWhatItCannotRender() {
    assertThatThrownBy(() -> Template.parse("{{api-key", named, false))
        .hasMessage("'{{' at 0 is not closed");
    assertThatThrownBy(() -> Template.parse("{{unknown}}", named, false))
        .hasMessageContaining("named value 'unknown' is not defined");
    assertThatThrownBy(() -> Template.parse("{{response.status}}", named, false))
        .hasMessageContaining("only available in response templates");
    assertThatThrownBy(() -> Template.parse("{{request.body}}", named, true))
        .hasMessageContaining("is not available");
    assertThatThrownBy(() -> Template.parse("{{T(java.lang.Runtime).exec('x')}}", named, false))
        .isInstanceOf(Template.InvalidTemplate.class);
    assertThatThrownBy(() -> Template.parse("{{request.headers}}", named, false))
        .hasMessageContaining("is not available");
    assertThatThrownBy(() -> Template.parse("{{}}", named, false))
        .hasMessage("empty placeholder {{}}");
  }

  @Test
  void readsEnvironmentAndFilesAndNamesWhatIsMissing() throws Exception {
    Path secret = Files.writeString(dir.resolve("token"), "from-file\n");
    NamedValues values =
        new NamedValues(
            Map.of(
                "token", new NamedValuesProperties.Source(null, secret, null),
                "gone", new NamedValuesProperties.Source(null, dir.resolve("gone"), null),
                "unset", new NamedValuesProperties.Source("NOT_SET_ANYWHERE", null, null)),
            name -> null);

    assertThat(values.resolve("token"))
        .isEqualTo(new NamedValues.Resolution.Found(new Secret("token", "from-file")));
    assertThat(values.resolve("gone"))
        .isEqualTo(
            new NamedValues.Resolution.Missing(
                "named value 'gone': file "
                    + dir.resolve("gone")
                    + " cannot be read (NoSuchFileException)"));
    assertThat(values.resolve("unset"))
        .isEqualTo(
            new NamedValues.Resolution.Missing(
                "named value 'unset': environment variable NOT_SET_ANYWHERE is not set"));
    assertThat(values.files()).containsExactlyInAnyOrder(secret, dir.resolve("gone"));
  }

  @Test
  void refusesAnAmbiguousOrReservedConfiguration() {
    NamedValues values =
        new NamedValues(
            Map.of(
                "both", new NamedValuesProperties.Source("A", null, "b"),
                "request", new NamedValuesProperties.Source("A", null, null)),
            name -> null);

    assertThat(values.configurationProblems())
        .containsExactly(
            "junction.gateway.named-values.both: needs exactly one of env, file and value",
            "junction.gateway.named-values.request: a name is letters, digits, '_' and '-', not"
                + " request or response");
  }
}
