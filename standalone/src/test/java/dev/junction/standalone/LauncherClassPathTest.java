package dev.junction.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gateway's and orchestrator's jars are libraries of the launcher (bin/junction import
 * validates with their loaders); their service settings must not configure the launcher's own
 * Spring applications.
 */
class LauncherClassPathTest {

  @Test
  void theLaunchersEmptyApplicationYamlShadowsTheServicesOnes() throws IOException {
    ClassLoader loader = getClass().getClassLoader();
    List<URL> all = Collections.list(loader.getResources("application.yaml"));

    String first;
    try (InputStream in = loader.getResource("application.yaml").openStream()) {
      first = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(all)
        .as("the services' application.yaml files are on the class path too")
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(first).contains("exists to shadow");
    assertThat(first.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))).isEmpty();
  }
}
