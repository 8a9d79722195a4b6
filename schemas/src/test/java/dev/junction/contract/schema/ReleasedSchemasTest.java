package dev.junction.contract.schema;

import static dev.junction.contract.schema.CompatibilityModeTest.record;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleasedSchemasTest {

  private static final String SUBJECT = "t.Order";
  private static final Schema RELEASED =
      record("{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"}");

  @TempDir Path released;

  private List<String> check(Schema current, CompatibilitySettings settings) {
    ReleasedSchemas.release(List.of(new Subject(SUBJECT, RELEASED, "old.avsc")), released);
    return ReleasedSchemas.check(
        List.of(new Subject(SUBJECT, current, "apis/schemas/t/v1/Order.avsc")), released, settings);
  }

  @Test
  void refusesABreakingChangeNamingTheSchemaTheFieldAndTheRule() {
    Schema breaking =
        record(
            "{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"string\"}");

    List<String> problems = check(breaking, CompatibilitySettings.backward());

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("schema apis/schemas/t/v1/Order.avsc (subject t.Order)")
        .contains("schemas/released/t.Order.avsc")
        .contains("field 'quantity' breaks BACKWARD")
        .contains("TYPE_MISMATCH")
        .contains("the new schema cannot read data written with the released version");
  }

  @Test
  void acceptsACompatibleChange() {
    Schema compatible =
        record(
            "{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"quantity\",\"type\":\"int\"},"
                + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}");

    assertThat(check(compatible, CompatibilitySettings.backward())).isEmpty();
  }

  @Test
  void appliesThePerSubjectMode() {
    Schema removed = record("{\"name\":\"sku\",\"type\":\"string\"}");

    assertThat(check(removed, CompatibilitySettings.backward())).isEmpty();
    assertThat(
            check(
                removed,
                new CompatibilitySettings(
                    CompatibilityMode.BACKWARD, Map.of(SUBJECT, CompatibilityMode.FULL))))
        .singleElement()
        .asString()
        .contains("field 'quantity' breaks FULL");
  }

  @Test
  void reportsAReleasedSubjectThatNoSchemaDefinesAnyMore() {
    ReleasedSchemas.release(List.of(new Subject(SUBJECT, RELEASED, "old.avsc")), released);

    assertThat(ReleasedSchemas.check(List.of(), released, CompatibilitySettings.backward()))
        .singleElement()
        .asString()
        .contains("subject t.Order was released")
        .contains("no schema defines it any more");
  }

  @Test
  void theRepositorysSchemasMatchTheirReleasedVersions() {
    JunctionSchemas schemas = JunctionSchemas.of(Path.of("..").toAbsolutePath().normalize());

    assertThat(Files.isDirectory(schemas.releasedDir())).isTrue();
    assertThat(ReleasedSchemas.check(schemas.released(), schemas.releasedDir(), schemas.settings()))
        .isEmpty();
  }
}
