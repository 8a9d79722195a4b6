package dev.junction.connector.http.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.connector.support.invoke.InvalidInputException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetUrlsTest {

  private static final URI BASE = URI.create("http://127.0.0.1:9100/inventory");

  @Test
  void appendsThePathToTheBasePath() throws Exception {
    assertThat(TargetUrls.resolve(BASE, "/reservations", Map.of()))
        .isEqualTo(URI.create("http://127.0.0.1:9100/inventory/reservations"));
    assertThat(TargetUrls.resolve(URI.create("http://127.0.0.1:9100/inventory/"), "/r", Map.of()))
        .isEqualTo(URI.create("http://127.0.0.1:9100/inventory/r"));
    assertThat(TargetUrls.resolve(URI.create("http://127.0.0.1:9100"), "/orders", Map.of()))
        .isEqualTo(URI.create("http://127.0.0.1:9100/orders"));
  }

  @Test
  void anEmptyPathCallsTheBaseUrlItself() throws Exception {
    assertThat(TargetUrls.resolve(BASE, "", Map.of())).isEqualTo(BASE);
  }

  @Test
  void encodesWhatAPathMayNotHoldAndKeepsValidEscapes() throws Exception {
    assertThat(TargetUrls.resolve(BASE, "/items/a b/ü/%20x/100%", Map.of()).getRawPath())
        .isEqualTo("/inventory/items/a%20b/%C3%BC/%20x/100%25");
  }

  @Test
  void encodesQueryNamesAndValuesAndRepeatsListValues() throws Exception {
    Map<String, List<String>> query = new LinkedHashMap<>();
    query.put("sku", List.of("A&B=C"));
    query.put("tag", List.of("x y", "z"));
    assertThat(TargetUrls.resolve(BASE, "/items", query).getRawQuery())
        .isEqualTo("sku=A%26B%3DC&tag=x%20y&tag=z");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/../admin",
        "/a/../../admin",
        "/a/..",
        "/./a",
        "/%2e%2e/admin",
        "/%2E%2E/admin",
        "/a%2f..%2f..%2fadmin",
        "/..;/admin",
        "/a\\..\\admin",
        "/a%5c..%5cadmin",
        "http://evil.example/x",
        "https:evil",
        "//evil.example/x",
        "evil.example/x",
        "/a?x=1",
        "/a#frag",
        "/a%00b",
      })
  void refusesPathsThatCouldLeaveTheBaseUrl(String path) {
    assertThatThrownBy(() -> TargetUrls.resolve(BASE, path, Map.of()))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aDotInsideASegmentIsJustAName() throws Exception {
    assertThat(TargetUrls.resolve(BASE, "/files/a..b/.hidden/v1.2", Map.of()).getRawPath())
        .isEqualTo("/inventory/files/a..b/.hidden/v1.2");
  }

  @Test
  void aSiblingOfTheBasePathIsNotUnderIt() throws Exception {
    // "/inventory" + "-admin" would be a sibling; a path must start with '/', so it cannot be built
    assertThatThrownBy(() -> TargetUrls.resolve(BASE, "-admin", Map.of()))
        .isInstanceOf(InvalidInputException.class);
  }
}
