package dev.junction.infra;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the Junction checkout (or installation) lives, and the third-party servers its build
 * fetched into {@code infra/target}: the {@code junction.home} system property, then the {@code
 * JUNCTION_HOME} environment variable, then the nearest folder above the working directory that
 * holds {@code infra/pom.xml}.
 */
public final class InfraPaths {
  private InfraPaths() {}

  public static Path home() {
    String configured = System.getProperty("junction.home", System.getenv("JUNCTION_HOME"));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
      if (Files.isRegularFile(candidate.resolve("infra").resolve("pom.xml"))) {
        return candidate;
      }
    }
    throw new InfraException(
        "Cannot find the Junction home above "
            + dir
            + ": set JUNCTION_HOME (or -Djunction.home) to the folder that holds bin/junction");
  }

  /** Kafka's jars (broker, clients, log4j2), copied by the build of module {@code infra}. */
  public static Path kafkaLib() {
    return existing(home().resolve("infra/target/kafka/lib"), "Kafka broker jars");
  }

  /** The unpacked Apicurio Registry bundle, fetched by the build of module {@code infra}. */
  public static Path apicurioDir() {
    return existing(home().resolve("infra/target/apicurio"), "Apicurio Registry");
  }

  /** The unpacked Keycloak distribution, fetched by the build of module {@code infra}. */
  public static Path keycloakDir() {
    return existing(home().resolve("infra/target/keycloak"), "Keycloak");
  }

  private static Path existing(Path path, String what) {
    if (!Files.isDirectory(path)) {
      throw new InfraException(
          what + " not found at " + path + ": build first with ./mvnw -pl infra package");
    }
    return path;
  }
}
