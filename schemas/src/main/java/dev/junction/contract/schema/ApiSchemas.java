package dev.junction.contract.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The payload schemas of user APIs: every {@code .avsc} file under the API catalog's schema folder
 * ({@code apis/schemas/<api>/<version>/<Record>.avsc}). Each file is one self-contained Avro record
 * schema; its subject is the record's full name ({@code <namespace>.<name>}), so the subject stays
 * the same when the file evolves.
 */
public final class ApiSchemas {

  /** The folder of API payload schemas inside the catalog folder. */
  public static final String FOLDER = "schemas";

  private ApiSchemas() {}

  /**
   * Reads every schema under {@code catalogDir/schemas}.
   *
   * @param catalogDir the API catalog folder ({@code apis/})
   * @param home folder the sources are named relative to, in messages
   * @throws SchemaException listing every file that is not a valid record schema, and subjects
   *     defined twice with different content
   */
  public static List<Subject> load(Path catalogDir, Path home) {
    Path dir = catalogDir.resolve(FOLDER);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> problems = new ArrayList<>();
    Map<String, Subject> subjects = new HashMap<>();
    for (Path file : files(dir)) {
      String source = relative(home, file);
      try {
        Schema schema = new Schema.Parser().parse(file.toFile());
        if (schema.getType() != Schema.Type.RECORD) {
          problems.add(source + ": must be an Avro record schema, is " + schema.getType());
          continue;
        }
        Subject subject = new Subject(schema.getFullName(), schema, source);
        Subject other = subjects.putIfAbsent(subject.name(), subject);
        if (other != null && !other.schema().equals(schema)) {
          problems.add(
              "%s: record %s is also defined, differently, in %s; one record name is one subject"
                  .formatted(source, schema.getFullName(), other.source()));
        }
      } catch (SchemaParseException e) {
        problems.add(source + ": not a valid Avro schema: " + e.getMessage());
      } catch (IOException e) {
        problems.add(source + ": cannot be read: " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new SchemaException("Invalid API payload schemas", problems);
    }
    return subjects.values().stream().sorted(Comparator.comparing(Subject::name)).toList();
  }

  private static List<Path> files(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(".avsc"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new SchemaException("Cannot list the API schemas under " + dir, e);
    }
  }

  static String relative(Path home, Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    Path base = home.toAbsolutePath().normalize();
    return absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString();
  }
}
