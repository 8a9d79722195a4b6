package dev.junction.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JsonBodyValidatorTest {

  private static final Schema ORDER =
      new Schema.Parser()
          .parse(
              """
              {"type":"record","name":"CreateOrderRequest","fields":[
                {"name":"customerId","type":"string"},
                {"name":"sku","type":"string"},
                {"name":"quantity","type":"int"}]}
              """);

  private static final Schema RICH =
      new Schema.Parser()
          .parse(
              """
              {"type":"record","name":"Rich","fields":[
                {"name":"note","type":["null","string"],"default":null},
                {"name":"priority","type":"int","default":3},
                {"name":"express","type":"boolean"},
                {"name":"weight","type":"double"},
                {"name":"count","type":"long"},
                {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"]}},
                {"name":"tags","type":{"type":"array","items":"string"}},
                {"name":"limits","type":{"type":"map","values":"int"}},
                {"name":"address","type":{"type":"record","name":"Address","fields":[
                  {"name":"city","type":"string"},
                  {"name":"zip","type":["null","string"]}]}},
                {"name":"idOrNumber","type":["string","int"],"default":"x"}]}
              """);

  private final JsonBodyValidator validator = new JsonBodyValidator(JsonMapper.shared());

  @Test
  void acceptsValidBody() {
    assertThat(validator.validate("{\"customerId\":\"c1\",\"sku\":\"A-1\",\"quantity\":2}", ORDER))
        .isEmpty();
  }

  @Test
  void namesMissingSku() {
    assertThat(validator.validate("{\"customerId\":\"c1\",\"quantity\":2}", ORDER))
        .containsExactly(new Violation("/sku", "is required"));
  }

  @Test
  void listsEveryViolation() {
    List<Violation> violations =
        validator.validate("{\"customerId\":7,\"quantity\":\"two\",\"colour\":\"red\"}", ORDER);

    assertThat(violations)
        .containsExactlyInAnyOrder(
            new Violation("/customerId", "must be a string, got the integer 7"),
            new Violation("/sku", "is required"),
            new Violation("/quantity", "must be an integer (32-bit), got a string"),
            new Violation("/colour", "is not a field of CreateOrderRequest"));
  }

  @Test
  void reportsMalformedJsonAsOneViolation() {
    List<Violation> violations = validator.validate("{\"sku\": ", ORDER);

    assertThat(violations).hasSize(1);
    assertThat(violations.getFirst().pointer()).isEmpty();
    assertThat(violations.getFirst().reason()).startsWith("malformed JSON");
  }

  @Test
  void requiresABody() {
    assertThat(validator.validate("  ", ORDER))
        .containsExactly(new Violation("", "a JSON body is required"));
  }

  @Test
  void refusesNonObjectBody() {
    assertThat(validator.validate("[1,2]", ORDER))
        .containsExactly(new Violation("", "must be an object, got an array"));
  }

  @Test
  void refusesIntegerOutOfIntRangeAndFractions() {
    assertThat(
            validator.validate(
                "{\"customerId\":\"c\",\"sku\":\"s\",\"quantity\":3000000000}", ORDER))
        .extracting(Violation::pointer)
        .containsExactly("/quantity");
    assertThat(validator.validate("{\"customerId\":\"c\",\"sku\":\"s\",\"quantity\":1.5}", ORDER))
        .containsExactly(
            new Violation("/quantity", "must be an integer (32-bit), got the number 1.5"));
  }

  @Test
  void treatsNullableAndDefaultedFieldsAsOptional() {
    String body =
        """
        {"express":true,"weight":1.5,"count":12345678901,"color":"RED","tags":["a"],
         "limits":{"x":1},"address":{"city":"Oslo"}}
        """;
    assertThat(validator.validate(body, RICH)).isEmpty();
  }

  @Test
  void walksNestedTypes() {
    String body =
        """
        {"note":5,"express":"yes","weight":"heavy","count":1,"color":"BLUE","tags":["a",2],
         "limits":{"x":"one","a/b":2},"address":{"zip":null,"street":"x"},"idOrNumber":true}
        """;

    assertThat(validator.validate(body, RICH))
        .containsExactlyInAnyOrder(
            new Violation("/note", "must be a string, got the integer 5"),
            new Violation("/express", "must be a boolean, got a string"),
            new Violation("/weight", "must be a number, got a string"),
            new Violation("/color", "must be one of RED, GREEN, got a string"),
            new Violation("/tags/1", "must be a string, got the integer 2"),
            new Violation("/limits/x", "must be an integer (32-bit), got a string"),
            new Violation("/address/city", "is required"),
            new Violation("/address/street", "is not a field of Address"),
            new Violation("/idOrNumber", "must be string or int, got a boolean"));
  }

  @Test
  void acceptsExplicitNullForNullableField() {
    String body =
        """
        {"note":null,"express":true,"weight":1,"count":1,"color":"GREEN","tags":[],"limits":{},
         "address":{"city":"Oslo","zip":"0150"},"idOrNumber":4}
        """;
    assertThat(validator.validate(body, RICH)).isEmpty();
  }

  @Test
  void refusesNullForRequiredField() {
    assertThat(validator.validate("{\"customerId\":null,\"sku\":\"s\",\"quantity\":1}", ORDER))
        .containsExactly(new Violation("/customerId", "must be a string, got null"));
  }

  @Test
  void escapesJsonPointerTokens() {
    assertThat(JsonBodyValidator.escape("a/b~c")).isEqualTo("a~1b~0c");
  }
}
