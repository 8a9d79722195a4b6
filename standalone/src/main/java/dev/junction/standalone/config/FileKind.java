package dev.junction.standalone.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The kinds of configuration kept as files in a stack's folders, each exported to the folder of the
 * same name: which files belong to it, which of them are YAML configuration (secrets replaced by
 * references on export, references resolved on import), and which parts of those the stack serves
 * to its callers (never secrets).
 */
enum FileKind {
  /** The API catalog: API files, and everything under the folder (schemas, OpenAPI documents). */
  APIS("apis", "API catalog", true, Pattern.compile("operations\\[\\d+]\\.mock")),
  /** Workflow definitions: the YAML files the orchestrator reads (not its sub-folders). */
  WORKFLOWS("workflows", "workflows", false, Pattern.compile("response|failure")),
  /** Products (config files beside the catalog, issue #8): the whole folder. */
  PRODUCTS("products", "products", true, null);

  private static final Pattern YAML = Pattern.compile(".*\\.ya?ml");

  private final String folder;
  private final String title;
  private final boolean recursive;
  private final Pattern served;

  FileKind(String folder, String title, boolean recursive, Pattern served) {
    this.folder = folder;
    this.title = title;
    this.recursive = recursive;
    this.served = served;
  }

  /** The folder of this kind in an export. */
  String folder() {
    return folder;
  }

  String title() {
    return title;
  }

  /**
   * The files of this kind under {@code dir}, by their path relative to it ({@code /}-separated),
   * sorted; empty when the folder does not exist. Hidden files and editor backups are no config.
   */
  Map<String, Path> files(Path dir) {
    Map<String, Path> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> paths = recursive ? Files.walk(dir) : Files.list(dir)) {
      paths
          .filter(Files::isRegularFile)
          .forEach(
              file -> {
                String name = relative(dir, file);
                if (belongs(name)) {
                  files.put(name, file);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the " + title + " folder " + dir, e);
    }
    return files;
  }

  private boolean belongs(String name) {
    for (String part : name.split("/")) {
      if (part.startsWith(".") || part.endsWith("~")) {
        return false;
      }
    }
    return recursive || YAML.matcher(name).matches();
  }

  /**
   * Whether a file of this kind is YAML configuration: an API file at the top of the catalog, a
   * workflow, a product file. Not schemas, nor OpenAPI documents (published in the portal).
   */
  boolean configFile(String name) {
    return YAML.matcher(name).matches() && (this != APIS || !name.contains("/"));
  }

  /** Whether a path in one of this kind's config files is something the stack serves callers. */
  boolean served(String path) {
    return served != null && served.matcher(path).matches();
  }

  static String relative(Path dir, Path file) {
    return dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
  }
}
