package dev.junction.gateway.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.gateway.catalog.UnknownFields;
import dev.junction.gateway.catalog.Violation;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JsonAvroConverterTest {

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

  private final JsonAvroConverter converter = new JsonAvroConverter(JsonMapper.shared());

  private List<Violation> violations(String body, Schema schema) {
    return converter.toRecord(body, schema, UnknownFields.REFUSE).violations();
  }

  @Test
  void acceptsValidBody() {
    assertThat(violations("{\"customerId\":\"c1\",\"sku\":\"A-1\",\"quantity\":2}", ORDER))
        .isEmpty();
  }

  @Test
  void namesMissingSku() {
    assertThat(violations("{\"customerId\":\"c1\",\"quantity\":2}", ORDER))
        .containsExactly(new Violation("/sku", "is required"));
  }

  @Test
  void listsEveryViolation() {
    List<Violation> violations =
        violations("{\"customerId\":7,\"quantity\":\"two\",\"colour\":\"red\"}", ORDER);

    assertThat(violations)
        .containsExactlyInAnyOrder(
            new Violation("/customerId", "must be a string, got the integer 7"),
            new Violation("/sku", "is required"),
            new Violation("/quantity", "must be an integer (32-bit), got a string"),
            new Violation("/colour", "is not a field of CreateOrderRequest"));
  }

  @Test
  void reportsMalformedJsonAsOneViolation() {
    List<Violation> violations = violations("{\"sku\": ", ORDER);

    assertThat(violations).hasSize(1);
    assertThat(violations.getFirst().pointer()).isEmpty();
    assertThat(violations.getFirst().reason()).startsWith("malformed JSON");
  }

  @Test
  void requiresABody() {
    assertThat(violations("  ", ORDER))
        .containsExactly(new Violation("", "a JSON body is required"));
  }

  @Test
  void refusesNonObjectBody() {
    assertThat(violations("[1,2]", ORDER))
        .containsExactly(new Violation("", "must be an object, got an array"));
  }

  @Test
  void refusesIntegerOutOfIntRangeAndFractions() {
    assertThat(violations("{\"customerId\":\"c\",\"sku\":\"s\",\"quantity\":3000000000}", ORDER))
        .extracting(Violation::pointer)
        .containsExactly("/quantity");
    assertThat(violations("{\"customerId\":\"c\",\"sku\":\"s\",\"quantity\":1.5}", ORDER))
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
    assertThat(violations(body, RICH)).isEmpty();
  }

  @Test
  void walksNestedTypes() {
    String body =
        """
        {"note":5,"express":"yes","weight":"heavy","count":1,"color":"BLUE","tags":["a",2],
         "limits":{"x":"one","a/b":2},"address":{"zip":null,"street":"x"},"idOrNumber":true}
        """;

    assertThat(violations(body, RICH))
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
    assertThat(violations(body, RICH)).isEmpty();
  }

  @Test
  void refusesNullForRequiredField() {
    assertThat(violations("{\"customerId\":null,\"sku\":\"s\",\"quantity\":1}", ORDER))
        .containsExactly(new Violation("/customerId", "must be a string, got null"));
  }

  @Test
  void escapesJsonPointerTokens() {
    assertThat(JsonAvroConverter.escape("a/b~c")).isEqualTo("a~1b~0c");
  }

  private static final Schema TYPED =
      new Schema.Parser()
          .parse(
              """
              {"type":"record","name":"Payment","fields":[
                {"name":"id","type":{"type":"string","logicalType":"uuid"}},
                {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
                {"name":"fee","type":["null",{"type":"fixed","name":"Fee","size":8,"logicalType":"decimal","precision":10,"scale":3}],"default":null},
                {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
                {"name":"atMicros","type":{"type":"long","logicalType":"timestamp-micros"}},
                {"name":"localAt","type":{"type":"long","logicalType":"local-timestamp-millis"}},
                {"name":"day","type":{"type":"int","logicalType":"date"}},
                {"name":"time","type":{"type":"int","logicalType":"time-millis"}},
                {"name":"raw","type":"bytes"},
                {"name":"channel","type":"string","default":"web"}]}
              """);

  private static final String PAYMENT =
      """
      {"id":"0b6e5c3a-6f0e-4a4e-9a44-1c0d2a3b4c5d","amount":12.5,"fee":"0.125",
       "at":"2026-11-26T10:15:30.123+01:00","atMicros":"2026-11-26T10:15:30.123456Z",
       "localAt":"2026-11-26T10:15:30","day":"2026-11-26","time":"10:15:30.250","raw":"AQID"}
      """;

  @Test
  void convertsLogicalTypesToAvroAndBackToJson() {
    JsonAvroConverter.Conversion conversion =
        converter.toRecord(PAYMENT, TYPED, UnknownFields.REFUSE);

    assertThat(conversion.violations()).isEmpty();
    assertThat(conversion.record().get("at")).isEqualTo(1795684530123L);
    assertThat(conversion.record().get("day")).isEqualTo(20783);
    JsonNode json = JsonMapper.shared().readTree(converter.toJson(conversion.record()));
    assertThat(json.get("id").asString()).isEqualTo("0b6e5c3a-6f0e-4a4e-9a44-1c0d2a3b4c5d");
    assertThat(json.get("amount").decimalValue()).isEqualByComparingTo("12.50");
    assertThat(json.get("fee").decimalValue()).isEqualByComparingTo("0.125");
    assertThat(json.get("at").asString()).isEqualTo("2026-11-26T09:15:30.123Z");
    assertThat(json.get("atMicros").asString()).isEqualTo("2026-11-26T10:15:30.123456Z");
    assertThat(json.get("localAt").asString()).isEqualTo("2026-11-26T10:15:30");
    assertThat(json.get("day").asString()).isEqualTo("2026-11-26");
    assertThat(json.get("time").asString()).isEqualTo("10:15:30.250");
    assertThat(json.get("raw").asString()).isEqualTo("AQID");
    assertThat(json.get("channel").asString()).as("default filled in").isEqualTo("web");
  }

  @Test
  void reportsEveryBadLogicalValue() {
    String body =
        """
        {"id":"not-a-uuid","amount":1.234,"fee":123456789,"at":"yesterday","atMicros":5,
         "localAt":"2026-11-26T10:15:30Z","day":"26/11/2026","time":"25:00","raw":"%%%"}
        """;

    assertThat(violations(body, TYPED))
        .containsExactlyInAnyOrder(
            new Violation("/id", "must be a UUID, got 'not-a-uuid'"),
            new Violation(
                "/amount", "must be a decimal number with at most 2 decimal places, got 1.234"),
            new Violation("/fee", "must have at most 10 digits, got 123456789"),
            new Violation("/at", "must be a timestamp like 2026-11-26T10:15:30Z, got 'yesterday'"),
            new Violation(
                "/atMicros", "must be a timestamp like 2026-11-26T10:15:30Z, got the integer 5"),
            new Violation(
                "/localAt",
                "must be a local timestamp like 2026-11-26T10:15:30, got '2026-11-26T10:15:30Z'"),
            new Violation("/day", "must be a date like 2026-11-26, got '26/11/2026'"),
            new Violation("/time", "must be a time like 10:15:30, got '25:00'"),
            new Violation("/raw", "must be a base64 string: Illegal base64 character 25"));
  }

  @Test
  void dropsUnknownFieldsWhenTheApiSaysSo() {
    String body = "{\"customerId\":\"c1\",\"sku\":\"A-1\",\"quantity\":2,\"colour\":\"red\"}";

    assertThat(violations(body, ORDER))
        .containsExactly(new Violation("/colour", "is not a field of CreateOrderRequest"));
    JsonAvroConverter.Conversion dropped = converter.toRecord(body, ORDER, UnknownFields.DROP);
    assertThat(dropped.violations()).isEmpty();
    assertThat(converter.toJson(dropped.record()))
        .isEqualTo("{\"customerId\":\"c1\",\"sku\":\"A-1\",\"quantity\":2}");
  }

  @Test
  void writesCanonicalJsonWithDefaultsAndNulls() {
    String body =
        """
        {"express":true,"weight":1.5,"count":12345678901,"color":"RED","tags":["a"],
         "limits":{"x":1},"address":{"city":"Oslo"}}
        """;

    JsonNode json =
        JsonMapper.shared()
            .readTree(
                converter.toJson(converter.toRecord(body, RICH, UnknownFields.REFUSE).record()));

    assertThat(json.get("note").isNull()).isTrue();
    assertThat(json.get("priority").asInt()).isEqualTo(3);
    assertThat(json.get("idOrNumber").asString()).isEqualTo("x");
    assertThat(json.get("address").get("zip").isNull()).isTrue();
    assertThat(json.get("count").asLong()).isEqualTo(12345678901L);
  }
}
