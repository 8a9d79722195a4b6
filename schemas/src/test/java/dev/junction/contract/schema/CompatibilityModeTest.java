package dev.junction.contract.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class CompatibilityModeTest {

  static Schema record(String fields) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"t\",\"fields\":["
                + fields
                + "]}");
  }

  private static final Schema V1 =
      record("{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"}");

  @Test
  void backwardRefusesANewFieldWithoutDefaultNamingIt() {
    Schema v2 =
        record(
            "{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},"
                + "{\"name\":\"channel\",\"type\":\"string\"}");

    List<SchemaIncompatibility> problems = CompatibilityMode.BACKWARD.check(v2, List.of(V1));

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("channel");
              assertThat(p.rule()).isEqualTo("READER_FIELD_MISSING_DEFAULT_VALUE");
              assertThat(p.describe())
                  .contains("field 'channel' breaks BACKWARD")
                  .contains("cannot read data written with version 1")
                  .contains("default");
            });
  }

  @Test
  void backwardAcceptsANewOptionalField() {
    Schema v2 =
        record(
            "{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},"
                + "{\"name\":\"channel\",\"type\":[\"null\",\"string\"],\"default\":null}");

    assertThat(CompatibilityMode.BACKWARD.check(v2, List.of(V1))).isEmpty();
  }

  @Test
  void forwardRefusesRemovingARequiredField() {
    Schema v2 = record("{\"name\":\"sku\",\"type\":\"string\"}");

    assertThat(CompatibilityMode.BACKWARD.check(v2, List.of(V1))).isEmpty();
    assertThat(CompatibilityMode.FORWARD.check(v2, List.of(V1)))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo("quantity");
              assertThat(p.describe())
                  .contains("version 1 cannot read data written with the new schema");
            });
  }

  @Test
  void namesNestedFieldsByTheirPath() {
    Schema v1 =
        record(
            "{\"name\":\"customer\",\"type\":{\"type\":\"record\",\"name\":\"Customer\",\"fields\":"
                + "[{\"name\":\"id\",\"type\":\"string\"}]}}");
    Schema v2 =
        record(
            "{\"name\":\"customer\",\"type\":{\"type\":\"record\",\"name\":\"Customer\",\"fields\":"
                + "[{\"name\":\"id\",\"type\":\"long\"}]}}");

    assertThat(CompatibilityMode.FULL.check(v2, List.of(v1)))
        .extracting(SchemaIncompatibility::field, SchemaIncompatibility::rule)
        .containsOnly(org.assertj.core.groups.Tuple.tuple("customer.id", "TYPE_MISMATCH"));
  }

  @Test
  void namesFieldsInsideArraysAndOptionalRecords() {
    Schema v1 =
        record(
            "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\","
                + "\"name\":\"Line\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"}]}}},"
                + "{\"name\":\"gift\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Gift\","
                + "\"fields\":[{\"name\":\"text\",\"type\":\"string\"}]}],\"default\":null}");
    Schema v2 =
        record(
            "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\","
                + "\"name\":\"Line\",\"fields\":[{\"name\":\"sku\",\"type\":\"string\"},"
                + "{\"name\":\"unit\",\"type\":\"string\"}]}}},"
                + "{\"name\":\"gift\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"Gift\","
                + "\"fields\":[{\"name\":\"text\",\"type\":\"string\"},"
                + "{\"name\":\"wrap\",\"type\":\"boolean\"}]}],\"default\":null}");

    assertThat(CompatibilityMode.BACKWARD.check(v2, List.of(v1)))
        .extracting(SchemaIncompatibility::field)
        .containsExactlyInAnyOrder("lines[].unit", "gift.wrap");
  }

  @Test
  void transitiveModesCompareWithEveryEarlierVersion() {
    Schema v2 = record("{\"name\":\"sku\",\"type\":\"string\"}");
    Schema v3 =
        record("{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"long\"}");

    // v3 re-adds quantity with another type and no default: against v2 alone that is a new field
    assertThat(CompatibilityMode.FORWARD.check(v3, List.of(V1, v2))).isEmpty();
    assertThat(CompatibilityMode.FORWARD_TRANSITIVE.check(v3, List.of(V1, v2)))
        .extracting(SchemaIncompatibility::version, SchemaIncompatibility::field)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "quantity"));
  }

  @Test
  void noneAcceptsAnything() {
    assertThat(
            CompatibilityMode.NONE.check(record("{\"name\":\"x\",\"type\":\"int\"}"), List.of(V1)))
        .isEmpty();
  }

  @Test
  void parsesModesCaseInsensitivelyAndNamesTheAcceptedOnes() {
    assertThat(CompatibilityMode.parse(" full_transitive "))
        .isEqualTo(CompatibilityMode.FULL_TRANSITIVE);
    assertThatThrownBy(() -> CompatibilityMode.parse("SIDEWAYS"))
        .hasMessageContaining("SIDEWAYS")
        .hasMessageContaining("BACKWARD");
  }
}
