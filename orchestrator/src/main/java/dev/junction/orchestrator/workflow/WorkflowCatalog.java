package dev.junction.orchestrator.workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workflow definitions of a folder ({@code *.yaml}, {@code *.yml}), reloaded on demand.
 *
 * <p>Every version ever loaded is kept (name → version → definition), because a run is pinned to
 * the version current when it started and must keep it after the file changes. A file that fails to
 * load is refused with an ERROR and the version loaded before keeps serving. Reads are lock-free
 * and safe from any thread; {@link #reload()} is serialized.
 */
public final class WorkflowCatalog implements WorkflowDefinitions {

  private static final Logger log = LoggerFactory.getLogger(WorkflowCatalog.class);

  /** What was last seen of one file: its content hash and what it defined, if it loaded. */
  private record FileState(String hash, WorkflowDefinition definition, String text) {}

  private final Path directory;
  private final WorkflowLoader loader;
  private final Map<Path, FileState> files = new HashMap<>();
  private final Map<String, Map<String, WorkflowDefinition>> versions = new ConcurrentHashMap<>();
  private volatile Map<String, WorkflowDefinition> current = Map.of();
  private boolean directoryMissingReported;
  private Archive archive = (definition, text) -> {};

  /** Keeps each newly loaded version's text somewhere durable, for runs pinned to it. */
  @FunctionalInterface
  public interface Archive {
    void keep(WorkflowDefinition definition, String text);
  }

  public WorkflowCatalog(Path directory, WorkflowLoader loader) {
    this.directory = directory;
    this.loader = loader;
  }

  /** Keeps the versions loaded from files so far in {@code archive}, and every new one from now. */
  public synchronized void archiveTo(Archive archive) {
    this.archive = archive;
    files.values().stream()
        .filter(state -> state.definition() != null)
        .forEach(state -> archive.keep(state.definition(), state.text()));
  }

  /**
   * Adds a version kept earlier (e.g. by another instance, or before a restart) so that runs pinned
   * to it can finish; it never becomes current by this. A version already loaded is left as it is.
   *
   * @return whether the version was added
   */
  public synchronized boolean restore(String source, String text) {
    WorkflowDefinition definition;
    try {
      definition = loader.parse(source, text);
    } catch (InvalidWorkflowException e) {
      log.error("Archived workflow definition from {} no longer loads: {}", source, e.getMessage());
      return false;
    }
    Map<String, WorkflowDefinition> byVersion =
        versions.computeIfAbsent(definition.name(), n -> new ConcurrentHashMap<>());
    return byVersion.putIfAbsent(definition.version(), definition) == null;
  }

  @Override
  public Optional<WorkflowDefinition> current(String name) {
    return Optional.ofNullable(current.get(name));
  }

  @Override
  public Optional<WorkflowDefinition> find(String name, String version) {
    return Optional.ofNullable(versions.getOrDefault(name, Map.of()).get(version));
  }

  @Override
  public Collection<WorkflowDefinition> currentDefinitions() {
    return current.values();
  }

  /** The Kafka topics whose records start runs, with the current definitions they start. */
  public Map<String, List<WorkflowDefinition>> kafkaTriggers() {
    Map<String, List<WorkflowDefinition>> byTopic = new TreeMap<>();
    for (WorkflowDefinition definition : current.values()) {
      for (Trigger trigger : definition.triggers()) {
        if (trigger instanceof Trigger.KafkaTopic(String topic)) {
          byTopic.computeIfAbsent(topic, t -> new ArrayList<>()).add(definition);
        }
      }
    }
    return byTopic;
  }

  /** Every connector any loaded version calls. */
  public Set<String> connectors() {
    Set<String> connectors = new LinkedHashSet<>();
    versions
        .values()
        .forEach(byVersion -> byVersion.values().forEach(d -> connectors.addAll(d.connectors())));
    return connectors;
  }

  /**
   * Scans the folder and loads new and changed files.
   *
   * @return whether the set of current definitions changed
   */
  public synchronized boolean reload() {
    List<Path> present = list();
    if (present == null) {
      return false;
    }
    boolean changed = files.keySet().retainAll(Set.copyOf(present));
    for (Path file : present) {
      changed |= reload(file);
    }
    if (!changed) {
      return false;
    }
    Map<String, WorkflowDefinition> next = new TreeMap<>();
    Map<String, Path> owners = new HashMap<>();
    for (Path file : present) {
      FileState state = files.get(file);
      if (state == null || state.definition() == null) {
        continue;
      }
      WorkflowDefinition definition = state.definition();
      Path owner = owners.putIfAbsent(definition.name(), file);
      if (owner != null) {
        log.error(
            "Workflow file {} defines '{}', already defined by {}; ignoring it: keep one file per"
                + " workflow",
            file,
            definition.name(),
            owner);
        continue;
      }
      next.put(definition.name(), definition);
    }
    Map<String, WorkflowDefinition> previous = current;
    current = Map.copyOf(next);
    previous.keySet().stream()
        .filter(name -> !next.containsKey(name))
        .forEach(
            name ->
                log.info(
                    "Workflow '{}' is no longer defined; new runs of it fail, running runs keep"
                        + " their version",
                    name));
    return !previous.equals(current);
  }

  /** Loads one file if its content changed; returns whether the loaded definitions changed. */
  private boolean reload(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      log.error("Cannot read workflow file {}; keeping what was loaded before", file, e);
      return false;
    }
    String hash = sha256(bytes);
    FileState seen = files.get(file);
    if (seen != null && seen.hash().equals(hash)) {
      return false;
    }
    WorkflowDefinition definition;
    try {
      definition = loader.parse(file.toString(), new String(bytes, StandardCharsets.UTF_8));
    } catch (InvalidWorkflowException e) {
      log.error("{}; keeping what was loaded before", e.getMessage());
      // remember the bad content so the same error is not logged on every scan
      files.put(
          file,
          new FileState(
              hash, seen == null ? null : seen.definition(), seen == null ? null : seen.text()));
      return false;
    }
    Map<String, WorkflowDefinition> byVersion =
        versions.computeIfAbsent(definition.name(), n -> new ConcurrentHashMap<>());
    if (byVersion.containsKey(definition.version())) {
      log.warn(
          "Workflow {} changed in {} without a new version; runs pinned to {} continue with the"
              + " changed definition",
          definition.label(),
          file,
          definition.version());
    } else {
      log.info("Loaded workflow {} from {}", definition.label(), file);
    }
    byVersion.put(definition.version(), definition);
    String text = new String(bytes, StandardCharsets.UTF_8);
    files.put(file, new FileState(hash, definition, text));
    archive.keep(definition, text);
    return true;
  }

  /** The definition files, sorted; null when the folder cannot be listed. */
  private List<Path> list() {
    if (!Files.isDirectory(directory)) {
      if (!directoryMissingReported) {
        log.warn(
            "Workflow folder {} does not exist; no workflows are loaded from it",
            directory.toAbsolutePath());
        directoryMissingReported = true;
      }
      return null;
    }
    directoryMissingReported = false;
    try (Stream<Path> entries = Files.list(directory)) {
      return entries
          .filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      log.error("Cannot list workflow folder {}; keeping what was loaded before", directory, e);
      return null;
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
