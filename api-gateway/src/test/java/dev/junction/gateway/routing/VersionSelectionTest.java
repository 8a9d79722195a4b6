package dev.junction.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.ApiVersions;
import dev.junction.gateway.catalog.Versioning;
import dev.junction.gateway.problem.ProblemException;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

class VersionSelectionTest {

  private static ApiDefinition zoo(
      String version, String defaultVersion, int revision, Boolean current) {
    return new ApiDefinition(
        "zoo",
        version,
        null,
        null,
        "/zoo",
        List.of(),
        "zoo-" + version + "-" + revision + ".yaml",
        null,
        null,
        null,
        List.of(),
        false,
        new Versioning(Versioning.Scheme.HEADER, defaultVersion, revision, current, List.of()));
  }

  private final ApiDefinition v1 = zoo("v1", "v1", 1, null);
  private final ApiDefinition v2 = zoo("v2", null, 1, null);
  private final ApiDefinition v2r2 = zoo("v2", null, 2, false);
  private final List<ApiDefinition> apis = List.of(v1, v2, v2r2);
  private final VersionSelection selection = new VersionSelection(ApiVersions.of(apis));

  private static ServerWebExchange call(String path, String... headers) {
    MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get(path);
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return MockServerWebExchange.from(request);
  }

  private List<ApiDefinition> selected(ServerWebExchange exchange) {
    return apis.stream().filter(api -> selection.selects(api).test(exchange)).toList();
  }

  private String problem(ServerWebExchange exchange) {
    VersionSelection.Selection error = selection.errors(apis).getFirst();
    if (!error.matches().test(exchange)) {
      return null;
    }
    Mono<Void> answer = error.filter().filter(exchange, e -> Mono.empty());
    try {
      answer.block();
    } catch (ProblemException e) {
      return e.problem().type().toString().replace("https://junction.dev/problems/", "")
          + ": "
          + e.problem().detail();
    }
    throw new AssertionError("expected a problem");
  }

  @Test
  void picksTheVersionByHeaderTheDefaultWithoutAndTheCurrentRevision() {
    assertThat(selected(call("/zoo/animals"))).containsExactly(v1);
    assertThat(selected(call("/zoo/animals", "Api-Version", "v2"))).containsExactly(v2);
    assertThat(selected(call("/zoo/animals", "Api-Version", " v2 ", "Api-Revision", "2")))
        .containsExactly(v2r2);
    assertThat(selected(call("/zoo/animals", "Api-Version", "v2", "Api-Revision", "01")))
        .containsExactly(v2);
  }

  @Test
  void answersUnknownVersionsAndRevisionsWithTheKnownOnes() {
    assertThat(problem(call("/zoo/animals", "Api-Version", "v9")))
        .isEqualTo("api-version-unknown: API zoo has no version 'v9'; its versions are v1, v2");
    assertThat(problem(call("/zoo/animals", "Api-Version", "v2", "Api-Revision", "3")))
        .isEqualTo("api-revision-unknown: API zoo v2 has no revision '3'; its revisions are 1, 2");
    assertThat(problem(call("/zoo/animals", "Api-Version", "v2"))).isNull();
    assertThat(problem(call("/elsewhere", "Api-Version", "v9"))).isNull();
  }

  @Test
  void requiresTheHeaderWhenTheApiHasNoDefault() {
    ApiDefinition a = zoo("v1", null, 1, null);
    ApiDefinition b = zoo("v2", null, 1, null);
    VersionSelection noDefault = new VersionSelection(ApiVersions.of(List.of(a, b)));
    Predicate<ServerWebExchange> matches = noDefault.errors(List.of(a, b)).getFirst().matches();

    assertThat(noDefault.selects(a).test(call("/zoo/x"))).isFalse();
    assertThat(noDefault.selects(b).test(call("/zoo/x"))).isFalse();
    assertThat(matches.test(call("/zoo/x"))).isTrue();
    assertThat(matches.test(call("/zoo/x", "Api-Version", "v1"))).isFalse();
  }
}
