package dev.junction.standalone.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.standalone.config.SecretReferences.Redacted;
import dev.junction.standalone.config.SecretReferences.Reference;
import dev.junction.standalone.config.SecretReferences.Resolved;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

class SecretReferencesTest {

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private static final String WORKFLOW =
      """
      name: pay   # the payment saga
      version: "1"
      steps:
        - id: charge
          connector: http-connector
          connection: psp
          operation: request
          input:
            headers:
              Authorization: Bearer sk_live_123      # a literal token: a secret
              X-API-Key: 'k-456'
              X-Trace: ${request.headers.traceparent}
            body:
              password: |
                multi
                line
              user: alice
              apiToken: ${steps.login.output.body.token}
              enabled: true
              callback: https://bob:hunter2@hooks.example.com/paid
              docs: https://example.com/x
      response:
        status: 200
        body:
          token: demo-token-shown-to-every-caller
      """;

  @Test
  void replacesEveryLiteralSecretByAReferenceAndLeavesTheRestAsItWas() {
    Redacted redacted =
        SecretReferences.redact("workflows/pay.yaml", WORKFLOW, FileKind.WORKFLOWS::served);

    assertThat(redacted.references())
        .extracting(Reference::path)
        .containsExactly(
            "steps[0].input.headers.Authorization",
            "steps[0].input.headers.X-API-Key",
            "steps[0].input.body.password",
            "steps[0].input.body.callback");
    assertThat(redacted.references().getFirst().variable())
        .isEqualTo("JUNCTION_SECRET_WORKFLOWS_PAY_STEPS_0_INPUT_HEADERS_AUTHORIZATION");
    assertThat(redacted.text())
        .doesNotContain("sk_live_123", "k-456", "hunter2", "multi")
        .contains("name: pay   # the payment saga")
        .contains(
            "Authorization: \"${env:JUNCTION_SECRET_WORKFLOWS_PAY_STEPS_0_INPUT_HEADERS_AUTHORIZATION}\""
                + "      # a literal token: a secret")
        // expressions, booleans, plain values and what callers are served stay
        .contains("X-Trace: ${request.headers.traceparent}")
        .contains("apiToken: ${steps.login.output.body.token}")
        .contains("enabled: true")
        .contains("docs: https://example.com/x")
        .contains("token: demo-token-shown-to-every-caller");
    JsonNode tree = YAML.readTree(redacted.text());
    assertThat(tree.at("/steps/0/input/body/user").asString()).isEqualTo("alice");
    assertThat(tree.at("/steps/0/input/body/password").asString())
        .isEqualTo("${env:JUNCTION_SECRET_WORKFLOWS_PAY_STEPS_0_INPUT_BODY_PASSWORD}");
    assertThat(tree.at("/steps/0/input/body/user").asString()).isEqualTo("alice");
  }

  @Test
  void resolvingTheReferencesGivesTheSameDocumentBack() {
    Redacted redacted =
        SecretReferences.redact("workflows/pay.yaml", WORKFLOW, FileKind.WORKFLOWS::served);
    Map<String, String> environment =
        Map.of(
            redacted.references().get(0).variable(), "Bearer sk_live_123",
            redacted.references().get(1).variable(), "k-456",
            redacted.references().get(2).variable(), "multi\nline\n",
            redacted.references().get(3).variable(), "https://bob:hunter2@hooks.example.com/paid");

    Resolved resolved =
        SecretReferences.resolve("workflows/pay.yaml", redacted.text(), environment);

    assertThat(resolved.problems()).isEmpty();
    assertThat(YAML.readTree(resolved.text())).isEqualTo(YAML.readTree(WORKFLOW));
  }

  @Test
  void quotesResolvedValuesSoThatTheyStayPlainText() {
    String text = "headers:\n  Authorization: \"${env:TOKEN}\"\n  other: x\n";

    Resolved resolved =
        SecretReferences.resolve(
            "apis/a.yaml", text, Map.of("TOKEN", "a \"quoted\" \\ value: #not-a-comment\t"));

    JsonNode tree = YAML.readTree(resolved.text());
    assertThat(tree.at("/headers/Authorization").asString())
        .isEqualTo("a \"quoted\" \\ value: #not-a-comment\t");
    assertThat(tree.at("/headers/other").asString()).isEqualTo("x");
  }

  @Test
  void namesTheFilePathAndVariableOfAReferenceThatIsNotSet() {
    Resolved resolved =
        SecretReferences.resolve(
            "workflows/pay.yaml",
            "steps:\n  - input:\n      password: ${env:PAY_PASSWORD}\n",
            Map.of());

    assertThat(resolved.problems())
        .containsExactly(
            "workflows/pay.yaml: steps[0].input.password: ${env:PAY_PASSWORD} is not set;"
                + " set the environment variable PAY_PASSWORD to the secret");
  }

  @Test
  void mockResponsesOfTheCatalogAreNoSecrets() {
    String api =
        """
        name: users
        operations:
          - id: createUser
            mock:
              body:
                password: 12345
            backend:
              url: https://svc:s3cret@users.internal
        """;

    Redacted redacted = SecretReferences.redact("apis/users-v1.yaml", api, FileKind.APIS::served);

    assertThat(redacted.references())
        .extracting(Reference::path)
        .containsExactly("operations[0].backend.url");
    assertThat(redacted.text()).contains("password: 12345").doesNotContain("s3cret");
  }

  @Test
  void recognisesSecretNames() {
    assertThat(SecretReferences.secretName("clientSecret")).isTrue();
    assertThat(SecretReferences.secretName("client-secret")).isTrue();
    assertThat(SecretReferences.secretName("key-store-password")).isTrue();
    assertThat(SecretReferences.secretName("access_token")).isTrue();
    assertThat(SecretReferences.secretName("authorization")).isTrue();
    assertThat(SecretReferences.secretName("key")).isFalse();
    assertThat(SecretReferences.secretName("tokenUrl")).isFalse();
    assertThat(SecretReferences.secretName("password-file")).isFalse();
  }
}
