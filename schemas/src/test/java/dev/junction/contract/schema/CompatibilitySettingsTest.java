package dev.junction.contract.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompatibilitySettingsTest {

  @TempDir Path dir;

  @Test
  void readsTheDefaultAndPerSubjectOverrides() throws Exception {
    Path file = dir.resolve("compatibility.properties");
    Files.writeString(file, "default=FORWARD\norders.v1.Order=FULL_TRANSITIVE\n");

    CompatibilitySettings settings = CompatibilitySettings.load(file);

    assertThat(settings.modeOf("orders.v1.Order")).isEqualTo(CompatibilityMode.FULL_TRANSITIVE);
    assertThat(settings.modeOf("anything-else")).isEqualTo(CompatibilityMode.FORWARD);
  }

  @Test
  void defaultsToBackwardWithoutAFile() {
    assertThat(CompatibilitySettings.load(dir.resolve("absent")).modeOf("x"))
        .isEqualTo(CompatibilityMode.BACKWARD);
  }

  @Test
  void refusesUnknownModesNamingTheSubject() throws Exception {
    Path file = dir.resolve("compatibility.properties");
    Files.writeString(file, "orders.v1.Order=LOOSE\n");

    assertThatThrownBy(() -> CompatibilitySettings.load(file))
        .hasMessageContaining("orders.v1.Order: unknown compatibility mode 'LOOSE'");
  }
}
