package dev.junction.contract.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSchemasTest {

  @TempDir Path home;

  @Test
  void findsTheSampleApisSchemasUnderTheirRecordNames() {
    Path repository = Path.of("..").toAbsolutePath().normalize();

    assertThat(ApiSchemas.load(repository.resolve("apis"), repository))
        .extracting(Subject::name, Subject::source)
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                "dev.junction.samples.orders.v1.CreateOrderRequest",
                "apis/schemas/orders/v1/CreateOrderRequest.avsc"));
  }

  @Test
  void reportsEveryInvalidFile() throws Exception {
    Path dir = Files.createDirectories(home.resolve("apis/schemas/shop/v1"));
    Files.writeString(dir.resolve("Broken.avsc"), "{\"type\":\"record\"");
    Files.writeString(dir.resolve("Plain.avsc"), "\"string\"");

    assertThatThrownBy(() -> ApiSchemas.load(home.resolve("apis"), home))
        .isInstanceOf(SchemaException.class)
        .satisfies(
            e ->
                assertThat(((SchemaException) e).problems())
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith(
                                    "apis/schemas/shop/v1/Broken.avsc: not a valid Avro schema"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith(
                                    "apis/schemas/shop/v1/Plain.avsc: must be an Avro record schema")));
  }
}
