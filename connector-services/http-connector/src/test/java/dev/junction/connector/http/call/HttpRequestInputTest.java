package dev.junction.connector.http.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.connector.support.invoke.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class HttpRequestInputTest {

  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void readsEveryField() throws Exception {
    HttpRequestInput input =
        HttpRequestInput.parse(
            """
            {"method":"post","path":"/orders","query":{"a":"1","b":[2,true]},
             "headers":{"X-Tenant":"t1","X-Count":3},"body":{"sku":"A-1","quantity":2}}
            """,
            json);
    assertThat(input.method()).isEqualTo("POST");
    assertThat(input.path()).isEqualTo("/orders");
    assertThat(input.query())
        .containsEntry("a", List.of("1"))
        .containsEntry("b", List.of("2", "true"));
    assertThat(input.headers()).containsEntry("X-Tenant", "t1").containsEntry("X-Count", "3");
    assertThat(input.body().get("quantity").asInt()).isEqualTo(2);
  }

  @Test
  void pathQueryHeadersAndBodyAreOptional() throws Exception {
    HttpRequestInput input = HttpRequestInput.parse("{\"method\":\"GET\"}", json);
    assertThat(input.path()).isEmpty();
    assertThat(input.query()).isEmpty();
    assertThat(input.headers()).isEmpty();
    assertThat(input.body()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[1]",
        "{}",
        "{\"method\":\"TRACE\"}",
        "{\"method\":1}",
        "{\"method\":\"GET\",\"path\":7}",
        "{\"method\":\"GET\",\"header\":{}}",
        "{\"method\":\"GET\",\"query\":{\"a\":{\"b\":1}}}",
        "{\"method\":\"GET\",\"headers\":[]}",
        "{\"method\":\"GET\",\"headers\":{\"bad name\":\"x\"}}",
        "{\"method\":\"GET\",\"headers\":{\"X-A\":\"v\\r\\nX-Injected: 1\"}}",
      })
  void refusesMalformedInput(String text) {
    assertThatThrownBy(() -> HttpRequestInput.parse(text, json))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void errorsDoNotQuoteHeaderValues() {
    assertThatThrownBy(
            () ->
                HttpRequestInput.parse(
                    "{\"method\":\"GET\",\"headers\":{\"Authorization\":\"secret\\nx\"}}", json))
        .hasMessageNotContaining("secret");
  }
}
