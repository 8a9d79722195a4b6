package dev.junction.standalone.config;

import dev.junction.standalone.config.SecretReferences.Reference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * {@code junction-export.yaml}, the first file of an export: what it includes (an import leaves
 * kinds that are not included as they are), which secrets it holds by reference, and what it does
 * not hold. No time stamp, so exporting an unchanged stack again changes no file (the folder can
 * live in git).
 *
 * @param kinds the file kinds included
 * @param registry whether the registry's subjects are included
 * @param secrets values replaced by references
 * @param notIncluded what the export leaves out, in words
 */
record Manifest(
    Set<FileKind> kinds, boolean registry, List<Reference> secrets, List<String> notIncluded) {

  static final String FILE = "junction-export.yaml";
  static final String REGISTRY = "registry";
  static final int FORMAT = 1;

  static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .disable(YAMLWriteFeature.SPLIT_LINES)
          .build();

  private static final String HEADER =
      """
      # Junction configuration exported by `bin/junction export`; restore it with
      # `bin/junction import DIR` (`--dry-run` shows what would change). Secrets are not in it: each
      # one listed under `secrets` is a reference `${env:VARIABLE}` that import reads from the
      # environment.
      """;

  Manifest {
    kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
    secrets = List.copyOf(secrets);
    notIncluded = List.copyOf(notIncluded);
  }

  void write(Path dir) {
    ObjectNode root = YAML.createObjectNode();
    root.put("format", FORMAT);
    ArrayNode includes = root.putArray("includes");
    EnumSet.allOf(FileKind.class).stream()
        .filter(kinds::contains)
        .forEach(kind -> includes.add(kind.folder()));
    if (registry) {
      includes.add(REGISTRY);
    }
    ArrayNode refs = root.putArray("secrets");
    for (Reference reference : secrets) {
      refs.addObject()
          .put("file", reference.file())
          .put("path", reference.path())
          .put("variable", reference.variable());
    }
    ArrayNode left = root.putArray("notIncluded");
    notIncluded.forEach(left::add);
    try {
      Files.writeString(dir.resolve(FILE), HEADER + YAML.writeValueAsString(root));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + dir.resolve(FILE), e);
    }
  }

  /**
   * Reads the manifest of an export.
   *
   * @throws ConfigException when the folder is no export or the file is not one this version reads
   */
  static Manifest read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          dir + " is not an export of bin/junction export: it has no " + FILE);
    }
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (IOException | JacksonException e) {
      throw new ConfigException(FILE + ": cannot be read: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw new ConfigException(FILE + ": must be a mapping");
    }
    if (root.path("format").asInt(-1) != FORMAT) {
      problems.add(
          FILE + ": format: must be " + FORMAT + ", is " + root.path("format").asString("missing"));
    }
    Set<FileKind> kinds = EnumSet.noneOf(FileKind.class);
    boolean registry = false;
    JsonNode includes = root.path("includes");
    for (int i = 0; i < includes.size(); i++) {
      String name = includes.get(i).asString("");
      if (name.equals(REGISTRY)) {
        registry = true;
        continue;
      }
      try {
        kinds.add(FileKind.valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        problems.add(
            "%s: includes[%d]: unknown kind '%s', expected apis, workflows, products or registry"
                .formatted(FILE, i, name));
      }
    }
    List<Reference> secrets = new ArrayList<>();
    for (JsonNode secret : root.path("secrets")) {
      secrets.add(
          new Reference(
              secret.path("file").asString(""),
              secret.path("path").asString(""),
              secret.path("variable").asString("")));
    }
    List<String> notIncluded = new ArrayList<>();
    root.path("notIncluded").forEach(note -> notIncluded.add(note.asString("")));
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("\n", problems));
    }
    return new Manifest(kinds, registry, secrets, notIncluded);
  }
}
