package dev.junction.connector.kafka.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.connector.support.invoke.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class PublishInputTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void readsKeyHeadersAndValue() throws Exception {
    PublishInput input =
        PublishInput.parse(
            "{\"key\":\"o-1\",\"headers\":{\"tenant\":\"t1\"},\"value\":{\"a\":[1,2]}}", JSON);

    assertThat(input.key()).isEqualTo("o-1");
    assertThat(input.headers()).containsEntry("tenant", "t1");
    assertThat(input.value()).isEqualTo("{\"a\":[1,2]}");
  }

  @Test
  void aMissingValueIsATombstoneAndANumericKeyIsText() throws Exception {
    PublishInput input = PublishInput.parse("{\"key\":42}", JSON);

    assertThat(input.key()).isEqualTo("42");
    assertThat(input.value()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ce_id", "CE_TYPE", "content-type", "traceparent"})
  void theConnectorsHeadersCannotBeSet(String header) {
    assertThatThrownBy(
            () -> PublishInput.parse("{\"headers\":{\"" + header + "\":\"x\"},\"value\":1}", JSON))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("input.headers: '" + header + "' is set by the connector");
  }

  @Test
  void refusesUnknownFieldsAndOtherShapes() {
    assertThatThrownBy(() -> PublishInput.parse("{\"topic\":\"other\",\"value\":1}", JSON))
        .hasMessage("input has an unknown field 'topic' (allowed: headers, key, value)");
    assertThatThrownBy(() -> PublishInput.parse("{\"key\":{}}", JSON))
        .hasMessage("input.key must be a string or a number");
    assertThatThrownBy(() -> PublishInput.parse("{\"headers\":{\"n\":1}}", JSON))
        .hasMessage("input.headers.n must be a string");
    assertThatThrownBy(() -> PublishInput.parse("[]", JSON))
        .hasMessage("input must be a JSON object");
  }
}
