package dev.junction.contract.schema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The schemas of a Junction checkout, found from its home folder: the platform's envelopes and
 * every API payload schema under {@code apis/schemas}, with the compatibility settings.
 *
 * @param home the checkout (or installation) folder
 * @param catalogDir the API catalog folder, {@code apis/} by default
 */
public record JunctionSchemas(Path home, Path catalogDir) {

  /** The checkout's own catalog folder. */
  public static JunctionSchemas of(Path home) {
    return new JunctionSchemas(home, home.resolve("apis"));
  }

  /** The subjects to register: envelopes on topics and API payloads. */
  public List<Subject> registered() {
    List<Subject> subjects = new ArrayList<>(PlatformSubjects.onTopics());
    subjects.addAll(ApiSchemas.load(catalogDir, home));
    return List.copyOf(subjects);
  }

  /** The subjects the build checks against their released versions. */
  public List<Subject> released() {
    List<Subject> subjects = new ArrayList<>(PlatformSubjects.all());
    subjects.addAll(ApiSchemas.load(catalogDir, home));
    return List.copyOf(subjects);
  }

  public CompatibilitySettings settings() {
    return CompatibilitySettings.load(home.resolve(CompatibilitySettings.FILE));
  }

  public Path releasedDir() {
    return home.resolve(ReleasedSchemas.FOLDER);
  }

  /**
   * The build's gate ({@code exec:java} in the {@code verify} build of module {@code schemas}).
   *
   * @param args the Junction home
   * @throws SchemaException listing every breaking change, which fails the build
   */
  public static void main(String[] args) {
    JunctionSchemas schemas =
        of(Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize());
    List<String> problems =
        ReleasedSchemas.check(schemas.released(), schemas.releasedDir(), schemas.settings());
    if (!problems.isEmpty()) {
      throw new SchemaException(
          "Schema changes break compatibility with the released versions"
              + " (fix the schema, or see docs/schemas.md for a deliberate break)",
          problems);
    }
  }
}
