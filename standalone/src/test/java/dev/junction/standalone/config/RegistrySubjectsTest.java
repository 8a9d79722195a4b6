package dev.junction.standalone.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.contract.schema.CompatibilityMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry part of an export, written and read back without a registry. */
class RegistrySubjectsTest {

  @TempDir Path dir;

  private static final Schema V1 =
      SchemaBuilder.record("Order").namespace("shop").fields().requiredString("id").endRecord();
  private static final Schema V2 =
      SchemaBuilder.record("Order")
          .namespace("shop")
          .fields()
          .requiredString("id")
          .name("note")
          .type()
          .stringType()
          .stringDefault("")
          .endRecord();

  @Test
  void readsBackWhatItWrote() throws IOException {
    RegistrySubjects written =
        new RegistrySubjects(
            List.of(
                subject("shop.Order", Optional.of(CompatibilityMode.FULL), V1, V2),
                subject("a/b c", Optional.empty(), V1)),
            List.of());
    Files.createDirectories(dir.resolve(Manifest.REGISTRY));

    written.write(dir);
    List<String> problems = new ArrayList<>();
    RegistrySubjects read = RegistrySubjects.load(dir, problems);

    assertThat(problems).isEmpty();
    assertThat(read.subjects()).isEqualTo(written.subjects());
    assertThat(dir.resolve("registry/shop.Order/v2.avsc")).exists();
    assertThat(dir.resolve("registry/a%2Fb+c/v1.avsc")).exists();
  }

  @Test
  void namesEveryProblemOfTheIndexWithItsPath() throws IOException {
    Files.createDirectories(dir.resolve("registry/shop.Order"));
    Files.writeString(dir.resolve("registry/shop.Order/v1.avsc"), "{\"type\": \"record\"");
    Files.writeString(
        dir.resolve(RegistrySubjects.INDEX),
        """
        subjects:
          - subject: shop.Order
            compatibility: SIDEWAYS
            versions:
              - {version: 1, file: registry/shop.Order/v1.avsc}
              - {version: 2, file: ../../etc/passwd}
          - subject: shop.Empty
            versions: []
        """);
    List<String> problems = new ArrayList<>();

    RegistrySubjects.load(dir, problems);

    assertThat(problems)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("registry/subjects.yaml: subjects[0].compatibility:")
                    .contains("SIDEWAYS"))
        .anySatisfy(
            p -> assertThat(p).startsWith("registry/shop.Order/v1.avsc: not a valid Avro schema"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("registry/subjects.yaml: subjects[0].versions[1].file:")
                    .contains("must name a file under registry/"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "registry/subjects.yaml: subjects[1].versions: must list the subject's"
                            + " versions"));
  }

  @Test
  void folderNamesCannotLeaveTheRegistryFolder() {
    assertThat(RegistrySubjects.folderName("orders.commands-value"))
        .isEqualTo("orders.commands-value");
    assertThat(RegistrySubjects.folderName("..")).isEqualTo("%2E%2E");
    assertThat(RegistrySubjects.folderName("../x")).doesNotContain("/").doesNotContain("..");
  }

  @Test
  void lineDiffCountsAddedAndRemovedLines() {
    assertThat(LineDiff.summary("a\nb\nc\n", "a\nB\nc\nd\n")).isEqualTo("+2 -1 lines");
    assertThat(LineDiff.summary("a\n", "a\n")).isEqualTo("+0 -0 lines");
  }

  private static RegistrySubjects.SubjectVersions subject(
      String name, Optional<CompatibilityMode> mode, Schema... schemas) {
    List<RegistrySubjects.Version> versions = new ArrayList<>();
    for (int i = 0; i < schemas.length; i++) {
      versions.add(
          new RegistrySubjects.Version(
              i + 1,
              Manifest.REGISTRY
                  + "/"
                  + RegistrySubjects.folderName(name)
                  + "/v"
                  + (i + 1)
                  + ".avsc",
              schemas[i]));
    }
    return new RegistrySubjects.SubjectVersions(name, mode, versions);
  }
}
