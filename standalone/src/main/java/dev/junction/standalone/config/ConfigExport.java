package dev.junction.standalone.config;

import dev.junction.standalone.config.SecretReferences.Redacted;
import dev.junction.standalone.config.SecretReferences.Reference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a stack's configuration into a folder: the catalog, workflow and product files as they are
 * (secrets replaced by references), the registry's subjects, and the manifest.
 */
final class ConfigExport {

  private ConfigExport() {}

  /**
   * What was exported.
   *
   * @param files number of files per kind
   * @param subjects number of registry subjects
   * @param versions number of schema versions
   */
  /**
   * What an export wrote.
   *
   * @param subscriptions how many subscriptions, or -1 when they were left out
   */
  record Result(
      Map<FileKind, Integer> files,
      int subjects,
      int versions,
      int subscriptions,
      Manifest manifest) {}

  /**
   * Exports {@code source} into {@code dir}, which must be new, empty, or an earlier export (whose
   * parts are then replaced; other files in it, such as {@code .git}, stay).
   *
   * @throws ConfigException when {@code dir} is another folder, or inside a source folder
   */
  static Result export(StackConfig source, Path dir, SubscriptionTransfer subscriptions) {
    Path target = dir.toAbsolutePath().normalize();
    checkTarget(source, target);
    // read the registry first: if it cannot be reached, nothing has been written
    RegistrySubjects registry = RegistrySubjects.read(source.registry());
    SubscriptionTransfer.Snapshot subscribed = subscriptions.read();
    try {
      Files.createDirectories(target);
      clearEarlierExport(target);
      Map<FileKind, Integer> counts = new EnumMap<>(FileKind.class);
      Set<FileKind> kinds = EnumSet.noneOf(FileKind.class);
      List<Reference> secrets = new ArrayList<>();
      for (FileKind kind : FileKind.values()) {
        Path folder = source.folder(kind);
        if (kind == FileKind.PRODUCTS && !Files.isDirectory(folder)) {
          continue; // a stack without products: the export leaves the target's alone
        }
        kinds.add(kind);
        Map<String, Path> files = kind.files(folder);
        Files.createDirectories(target.resolve(kind.folder()));
        for (Map.Entry<String, Path> file : files.entrySet()) {
          String name = kind.folder() + "/" + file.getKey();
          Path out = target.resolve(name);
          Files.createDirectories(out.getParent());
          if (kind.configFile(file.getKey())) {
            Redacted redacted =
                SecretReferences.redact(
                    name, Files.readString(file.getValue(), StandardCharsets.UTF_8), kind::served);
            secrets.addAll(redacted.references());
            Files.writeString(out, redacted.text(), StandardCharsets.UTF_8);
          } else {
            Files.copy(file.getValue(), out);
          }
        }
        counts.put(kind, files.size());
      }
      Files.createDirectories(target.resolve(Manifest.REGISTRY));
      registry.write(target);
      subscribed.write(target);
      List<String> notIncluded = new ArrayList<>(registry.skipped());
      notIncluded.addAll(subscribed.notes());
      Manifest manifest = new Manifest(kinds, true, secrets, notIncluded);
      manifest.write(target);
      return new Result(
          counts,
          registry.subjects().size(),
          registry.subjects().stream().mapToInt(s -> s.versions().size()).sum(),
          subscribed.json() == null ? -1 : subscribed.count(),
          manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot export into " + target + ": " + e.getMessage(), e);
    }
  }

  private static void checkTarget(StackConfig source, Path target) {
    for (Path folder : source.folders().values()) {
      Path normalized = folder.toAbsolutePath().normalize();
      if (target.startsWith(normalized) || normalized.startsWith(target)) {
        throw new ConfigException(
            "Cannot export into "
                + target
                + ": it overlaps the stack's folder "
                + normalized
                + "; choose a folder of its own");
      }
    }
    if (Files.isDirectory(target) && !Files.isRegularFile(target.resolve(Manifest.FILE))) {
      try (Stream<Path> entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw new ConfigException(
              "Cannot export into "
                  + target
                  + ": it is neither empty nor an earlier export (it has no "
                  + Manifest.FILE
                  + ")");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + target, e);
      }
    } else if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new ConfigException("Cannot export into " + target + ": it is a file");
    }
  }

  /** Removes what an earlier export wrote, so that items gone from the stack go from it too. */
  private static void clearEarlierExport(Path target) throws IOException {
    List<Path> parts = new ArrayList<>();
    for (FileKind kind : FileKind.values()) {
      parts.add(target.resolve(kind.folder()));
    }
    parts.add(target.resolve(Manifest.REGISTRY));
    parts.add(target.resolve(SubscriptionTransfer.FOLDER));
    for (Path part : parts) {
      if (Files.exists(part)) {
        try (Stream<Path> paths = Files.walk(part)) {
          for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(path);
          }
        }
      }
    }
    Files.deleteIfExists(target.resolve(Manifest.FILE));
  }
}
