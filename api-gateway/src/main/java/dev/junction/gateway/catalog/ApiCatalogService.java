package dev.junction.gateway.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Serves the current {@link ApiCatalog} and reloads it when the catalog folder changes.
 *
 * <p>The folder is scanned (names, sizes, modification times of every file under it, schemas
 * included) rather than watched with a {@code WatchService}: a scan sees changes in nested schema
 * folders and on file systems where watch events are unreliable, and costs little for a catalog.
 *
 * <p>At start-up an invalid file stops the gateway. Later, an invalid file is refused and the
 * previous version of that file keeps serving, so a bad edit cannot take an API down; so is a
 * schema edit that would break the clients of the version being served ({@link SchemaEvolution}).
 */
public final class ApiCatalogService implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ApiCatalogService.class);

  private final Path dir;
  private final CatalogLoader loader;
  private final Consumer<ApiCatalog> onChange;
  private final AtomicReference<ApiCatalog> current = new AtomicReference<>(ApiCatalog.empty());

  /** Last good definition per file, what keeps serving when an edit breaks the file. */
  private final Map<Path, ApiDefinition> loaded = new HashMap<>();

  private volatile String fingerprint = "";
  private final FolderScanner scanner;

  /**
   * @param dir the catalog folder
   * @param loader reads single files
   * @param scanInterval how often the folder is checked for changes
   * @param onChange told about every new catalog after a successful reload
   */
  public ApiCatalogService(
      Path dir, CatalogLoader loader, Duration scanInterval, Consumer<ApiCatalog> onChange) {
    this.dir = dir;
    this.loader = loader;
    this.scanner =
        new FolderScanner(
            "junction-catalog-scan", "the API catalog folder", scanInterval, this::reloadIfChanged);
    this.onChange = onChange;
  }

  /** Loads the catalog for the first time; any invalid file fails with every problem named. */
  public synchronized ApiCatalog loadInitial() {
    fingerprint = fingerprint();
    Map<Path, ApiDefinition> apis = new HashMap<>();
    for (Path file : catalogFiles()) {
      apis.put(file, loader.load(dir, file));
    }
    CatalogLoader.checkConsistency(apis.values());
    loaded.putAll(apis);
    ApiCatalog catalog = new ApiCatalog(List.copyOf(apis.values()));
    current.set(catalog);
    log.info(
        "API catalog loaded from {}: {} API version(s), {} operation(s)",
        dir.toAbsolutePath(),
        catalog.apis().size(),
        catalog.operations().size());
    return catalog;
  }

  /** The catalog being served. */
  public ApiCatalog current() {
    return current.get();
  }

  /**
   * Reloads the catalog if the folder changed since the last scan.
   *
   * @return whether a new catalog is now served
   */
  public synchronized boolean reloadIfChanged() {
    String now = fingerprint();
    if (now.equals(fingerprint)) {
      return false;
    }
    fingerprint = now;
    Map<Path, ApiDefinition> apis = new HashMap<>();
    for (Path file : catalogFiles()) {
      try {
        ApiDefinition next = loader.load(dir, file);
        ApiDefinition served = loaded.get(file);
        if (served != null) {
          List<String> breaking = SchemaEvolution.breakingChanges(served, next);
          if (!breaking.isEmpty()) {
            throw new CatalogException(next.source(), breaking);
          }
        }
        apis.put(file, next);
      } catch (CatalogException e) {
        ApiDefinition previous = loaded.get(file);
        log.error(
            "{}; {}",
            e.getMessage(),
            previous == null ? "the file is not served" : "its previous version keeps serving");
        if (previous != null) {
          apis.put(file, previous);
        }
      }
    }
    try {
      CatalogLoader.checkConsistency(apis.values());
    } catch (CatalogException e) {
      log.error("{}; the previous catalog keeps serving", e.getMessage());
      return false;
    }
    ApiCatalog catalog = new ApiCatalog(List.copyOf(apis.values()));
    if (catalog.equals(current.get())) {
      return false;
    }
    loaded.clear();
    loaded.putAll(apis);
    current.set(catalog);
    log.info(
        "API catalog reloaded: {} API version(s), {} operation(s)",
        catalog.apis().size(),
        catalog.operations().size());
    onChange.accept(catalog);
    return true;
  }

  private List<Path> catalogFiles() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot list the API catalog folder " + dir.toAbsolutePath(), e);
    }
  }

  /** Names, sizes and modification times of every file under the folder. */
  private String fingerprint() {
    if (!Files.isDirectory(dir)) {
      return "";
    }
    StringBuilder result = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> watched =
          Stream.concat(files.filter(Files::isRegularFile).sorted(), namedValueFiles()).toList();
      for (Path file : watched) {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        result
            .append(file)
            .append(' ')
            .append(attributes.size())
            .append(' ')
            .append(attributes.lastModifiedTime().toMillis())
            .append('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot scan the API catalog folder " + dir.toAbsolutePath(), e);
    }
    return result.toString();
  }

  /** The named values' files that exist: a rotated secret reloads the catalog. */
  private Stream<Path> namedValueFiles() {
    return loader.namedValueFiles().stream().filter(Files::isRegularFile);
  }

  @Override
  public void start() {
    if (!Files.isDirectory(dir)) {
      log.warn(
          "API catalog folder {} does not exist; no API is served until it does",
          dir.toAbsolutePath());
    }
    scanner.start();
  }

  @Override
  public void stop() {
    scanner.stop();
  }

  @Override
  public boolean isRunning() {
    return scanner.isRunning();
  }
}
