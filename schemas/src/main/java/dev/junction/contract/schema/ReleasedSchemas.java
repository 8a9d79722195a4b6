package dev.junction.contract.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The last released schema of each subject, kept in the repository ({@code
 * schemas/released/<subject>.avsc}), and the build-time check of the current schemas against it: a
 * change that breaks the subject's compatibility mode fails the build with a message naming the
 * schema, the field and the rule.
 */
public final class ReleasedSchemas {

  /** The folder, relative to the Junction home. */
  public static final String FOLDER = "schemas/released";

  private static final String SUFFIX = ".avsc";

  private ReleasedSchemas() {}

  /**
   * Every way the current schemas break their subjects' modes against the released versions, one
   * message each; empty when the build may go on. A subject without a released version is new and
   * passes; a released subject without a current schema is reported, since its readers and writers
   * would be left without one.
   */
  public static List<String> check(
      List<Subject> subjects, Path releasedDir, CompatibilitySettings settings) {
    List<String> problems = new ArrayList<>();
    Set<String> current = new HashSet<>();
    for (Subject subject : subjects) {
      current.add(subject.name());
      Path file = releasedDir.resolve(subject.name() + SUFFIX);
      if (!Files.isRegularFile(file)) {
        continue;
      }
      Schema released = parse(file);
      CompatibilityMode mode = settings.modeOf(subject.name());
      for (SchemaIncompatibility problem : mode.check(subject.schema(), List.of(released))) {
        problems.add(
            "schema %s (subject %s) against its released version %s: %s"
                .formatted(
                    subject.source(),
                    subject.name(),
                    FOLDER + "/" + file.getFileName(),
                    problem.describe("the released version")));
      }
    }
    for (String released : releasedSubjects(releasedDir)) {
      if (!current.contains(released)) {
        problems.add(
            "subject %s was released (%s/%s%s) but no schema defines it any more"
                .formatted(released, FOLDER, released, SUFFIX));
      }
    }
    return List.copyOf(problems);
  }

  /** Records the current schemas as released: what a release does, once per release. */
  public static void release(List<Subject> subjects, Path releasedDir) {
    try {
      Files.createDirectories(releasedDir);
      for (Subject subject : subjects) {
        Files.writeString(
            releasedDir.resolve(subject.name() + SUFFIX), subject.schema().toString(true) + "\n");
      }
    } catch (IOException e) {
      throw new SchemaException("Cannot write the released schemas to " + releasedDir, e);
    }
  }

  private static Schema parse(Path file) {
    try {
      return new Schema.Parser().parse(file.toFile());
    } catch (IOException | SchemaParseException e) {
      throw new SchemaException(
          "Released schema " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static List<String> releasedSubjects(Path releasedDir) {
    if (!Files.isDirectory(releasedDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(releasedDir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.endsWith(SUFFIX))
          .map(name -> name.substring(0, name.length() - SUFFIX.length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new SchemaException("Cannot list " + releasedDir, e);
    }
  }
}
