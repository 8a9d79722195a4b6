package dev.junction.gateway.fastpath;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which paths and queries the fast path takes; everything else is left to the firewall. */
class FastPathTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/pets/v1/pets",
        "/pets/v1/pets/42",
        "/pets/v1/pets/",
        "/pets/v1/pets/rex.json",
        "/pets/v1/a-b_c~d!$&'()*+,=:@",
        "/pets/v1/.well-known",
        "/pets/v1/pets/..more"
      })
  void takesCleanPaths(String path) {
    assertThat(FastPath.cleanPath(path)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "pets",
        "/pets//v1",
        "/pets/./v1",
        "/pets/../v1",
        "/pets/v1/.",
        "/pets/v1/..",
        "/pets/%2e%2e/v1",
        "/pets/v1;jsessionid=1",
        "/pets\\v1",
        "/pets/v1/caf\u00e9",
        "/pets/v1/a b",
        "/actuator/health",
        "/portal/index.html"
      })
  void leavesOtherPathsToTheFullPath(String path) {
    assertThat(FastPath.cleanPath(path)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"kind=dog&limit=2", "q=a+b", "q=a%20b", "a=1&a=2", "x=/y:z"})
  void takesPlainQueries(String query) {
    assertThat(FastPath.cleanQuery(query)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"q=a b", "q=a;b", "q=a\\b", "q=\u00e9"})
  void leavesOtherQueriesToTheFullPath(String query) {
    assertThat(FastPath.cleanQuery(query)).isFalse();
  }
}
