package dev.junction.standalone.config;

import dev.junction.contract.schema.CompatibilityMode;
import dev.junction.contract.schema.RegistryClient;
import dev.junction.contract.schema.RegistryClient.RegisteredVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The schema registry's subjects in an export: {@code registry/subjects.yaml} lists each subject,
 * its own compatibility rule (when it has one) and its versions in order, each an {@code .avsc}
 * file beside it ({@code registry/<subject>/v<N>.avsc}).
 *
 * @param subjects the Avro subjects, sorted by name
 * @param skipped subjects left out, with why (schemas of another type)
 */
record RegistrySubjects(List<SubjectVersions> subjects, List<String> skipped) {

  static final String INDEX = Manifest.REGISTRY + "/subjects.yaml";
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  RegistrySubjects {
    subjects = List.copyOf(subjects);
    skipped = List.copyOf(skipped);
  }

  /**
   * One subject.
   *
   * @param name the subject
   * @param compatibility the rule set on the subject itself; empty when it follows the registry's
   *     global rule
   * @param versions its versions, oldest first
   */
  record SubjectVersions(
      String name, Optional<CompatibilityMode> compatibility, List<Version> versions) {

    SubjectVersions {
      versions = List.copyOf(versions);
    }

    List<Schema> schemas() {
      return versions.stream().map(Version::schema).toList();
    }
  }

  /**
   * One version.
   *
   * @param number its number in the registry it was exported from (a target numbers it anew)
   * @param file its file, relative to the export folder
   * @param schema the schema
   */
  record Version(int number, String file, Schema schema) {}

  /** Every subject of a running registry. */
  static RegistrySubjects read(RegistryClient registry) {
    List<SubjectVersions> subjects = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (String name : registry.subjects()) {
      List<RegisteredVersion> registered = registry.registeredVersions(name);
      Optional<RegisteredVersion> other = registered.stream().filter(v -> !v.avro()).findFirst();
      if (other.isPresent()) {
        skipped.add(
            "registry subject %s: %s schemas are not exported (Avro only)"
                .formatted(name, other.get().schemaType()));
        continue;
      }
      List<Version> versions = new ArrayList<>();
      try {
        for (RegisteredVersion version : registered) {
          versions.add(
              new Version(
                  version.version(),
                  Manifest.REGISTRY + "/" + folderName(name) + "/v" + version.version() + ".avsc",
                  new Schema.Parser().parse(version.schema())));
        }
      } catch (AvroRuntimeException e) {
        // e.g. a version that names types of other subjects (schema references)
        skipped.add(
            "registry subject %s: not exported, a version is no self-contained Avro schema (%s)"
                .formatted(name, e.getMessage()));
        continue;
      }
      if (!versions.isEmpty()) {
        subjects.add(new SubjectVersions(name, registry.compatibility(name), versions));
      }
    }
    return new RegistrySubjects(subjects, skipped);
  }

  /** Writes the index and one file per version under {@code dir}. */
  void write(Path dir) {
    ObjectNode root = Manifest.YAML.createObjectNode();
    ArrayNode list = root.putArray("subjects");
    try {
      for (SubjectVersions subject : subjects) {
        ObjectNode entry = list.addObject().put("subject", subject.name());
        subject.compatibility().ifPresent(mode -> entry.put("compatibility", mode.name()));
        ArrayNode versions = entry.putArray("versions");
        for (Version version : subject.versions()) {
          versions.addObject().put("version", version.number()).put("file", version.file());
          Path file = dir.resolve(version.file());
          Files.createDirectories(file.getParent());
          Files.writeString(file, version.schema().toString(true) + "\n");
        }
      }
      Files.writeString(
          dir.resolve(INDEX),
          "# Schema registry subjects; import registers each one's versions in this order.\n"
              + Manifest.YAML.writeValueAsString(root));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the registry's subjects into " + dir, e);
    }
  }

  /**
   * Reads the subjects of an export, adding every problem (file, path, what is wrong) to {@code
   * problems}.
   */
  static RegistrySubjects load(Path dir, List<String> problems) {
    Path index = dir.resolve(INDEX);
    JsonNode root;
    try {
      root = Manifest.YAML.readTree(Files.readString(index));
    } catch (IOException | JacksonException e) {
      problems.add(INDEX + ": cannot be read: " + e.getMessage());
      return new RegistrySubjects(List.of(), List.of());
    }
    JsonNode list = root == null ? null : root.get("subjects");
    if (list == null || !list.isArray()) {
      problems.add(INDEX + ": subjects: must be a list");
      return new RegistrySubjects(List.of(), List.of());
    }
    List<SubjectVersions> subjects = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = INDEX + ": subjects[" + i + "]";
      JsonNode entry = list.get(i);
      String name = entry.path("subject").asString("");
      if (name.isBlank()) {
        problems.add(at + ".subject: must be the subject's name");
        continue;
      }
      Optional<CompatibilityMode> compatibility = Optional.empty();
      if (entry.has("compatibility")) {
        try {
          compatibility =
              Optional.of(CompatibilityMode.parse(entry.get("compatibility").asString("")));
        } catch (IllegalArgumentException e) {
          problems.add(at + ".compatibility: " + e.getMessage());
        }
      }
      JsonNode versionList = entry.path("versions");
      if (!versionList.isArray() || versionList.isEmpty()) {
        problems.add(at + ".versions: must list the subject's versions");
        continue;
      }
      List<Version> versions = new ArrayList<>();
      for (int v = 0; v < versionList.size(); v++) {
        JsonNode version = versionList.get(v);
        String file = version.path("file").asString("");
        schema(dir, file, at + ".versions[" + v + "].file", problems)
            .ifPresent(
                schema ->
                    versions.add(new Version(version.path("version").asInt(0), file, schema)));
      }
      subjects.add(new SubjectVersions(name, compatibility, versions));
    }
    return new RegistrySubjects(subjects, List.of());
  }

  private static Optional<Schema> schema(Path dir, String file, String at, List<String> problems) {
    Path registry = dir.resolve(Manifest.REGISTRY).normalize();
    Path path = dir.resolve(file).normalize();
    if (file.isBlank() || !path.startsWith(registry)) {
      problems.add(at + ": must name a file under " + Manifest.REGISTRY + "/, is '" + file + "'");
      return Optional.empty();
    }
    try {
      return Optional.of(new Schema.Parser().parse(Files.readString(path)));
    } catch (IOException e) {
      problems.add(file + ": cannot be read: " + e.getMessage());
    } catch (SchemaParseException e) {
      problems.add(file + ": not a valid Avro schema: " + e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * A subject's folder name: the subject itself when it is a plain name, else URL-encoded (dots
   * too, so that no name can be {@code ..}).
   */
  static String folderName(String subject) {
    return PLAIN_NAME.matcher(subject).matches()
        ? subject
        : URLEncoder.encode(subject, StandardCharsets.UTF_8)
            .replace(".", "%2E")
            .replace("*", "%2A");
  }
}
