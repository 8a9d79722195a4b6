package dev.junction.connector.support.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JsonInputTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void readsAnObject() throws Exception {
    assertThat(JsonInput.object("{\"a\":1}", JSON.reader()).get("a").asInt()).isEqualTo(1);
  }

  @Test
  void refusesWhatIsNotAJsonObjectWithoutQuotingIt() {
    assertThatThrownBy(() -> JsonInput.object("DROP TABLE x", JSON.reader()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("input is not valid JSON");
    assertThatThrownBy(() -> JsonInput.object("[1]", JSON.reader()))
        .hasMessage("input must be a JSON object");
    assertThatThrownBy(() -> JsonInput.object("", JSON.reader()))
        .isInstanceOf(InvalidInputException.class);
  }
}
