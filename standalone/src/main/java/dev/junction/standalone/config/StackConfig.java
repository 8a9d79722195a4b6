package dev.junction.standalone.config;

import dev.junction.contract.schema.RegistryClient;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Where a stack keeps its configuration: the folders its gateway and orchestrator read (and
 * hot-reload), and its schema registry.
 *
 * @param folders the folder of each kind of configuration file
 * @param registry the stack's schema registry
 */
record StackConfig(Map<FileKind, Path> folders, RegistryClient registry) {

  StackConfig {
    folders = Map.copyOf(new EnumMap<>(folders));
  }

  /** The folders of a Junction home: {@code apis/}, {@code workflows/}, {@code products/}. */
  static Map<FileKind, Path> homeFolders(Path home) {
    Map<FileKind, Path> folders = new EnumMap<>(FileKind.class);
    for (FileKind kind : FileKind.values()) {
      folders.put(kind, home.resolve(kind.folder()));
    }
    return folders;
  }

  Path folder(FileKind kind) {
    return folders.get(kind);
  }

  /** One line per part, for the command's output. */
  String describe() {
    StringBuilder text = new StringBuilder();
    for (FileKind kind : FileKind.values()) {
      text.append(String.format("  %-12s %s%n", kind.folder(), folder(kind)));
    }
    return text.append(String.format("  %-12s %s%n", "registry", registry.url())).toString();
  }
}
