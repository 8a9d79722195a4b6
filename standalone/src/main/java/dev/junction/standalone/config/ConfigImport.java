package dev.junction.standalone.config;

import dev.junction.contract.schema.ApiSchemas;
import dev.junction.contract.schema.SchemaException;
import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.CatalogException;
import dev.junction.gateway.catalog.CatalogLoader;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.SchemaEvolution;
import dev.junction.orchestrator.expression.ExpressionCompiler;
import dev.junction.orchestrator.workflow.InvalidWorkflowException;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.orchestrator.workflow.WorkflowLoader;
import dev.junction.standalone.config.ImportPlan.Change;
import dev.junction.standalone.config.ImportPlan.Item;
import dev.junction.standalone.config.ImportPlan.Section;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;

/**
 * Imports an export into a stack: validates everything first (catalog files with the gateway's
 * {@link CatalogLoader}, workflows with the orchestrator's {@link WorkflowLoader}, schemas parsed
 * and checked for compatibility against the target registry), then shows what would change, and
 * only then changes it.
 *
 * <p>Each kind the export includes is mirrored: its files are written into the target folder (the
 * running gateway and orchestrator reload them) and the target's files the export does not hold are
 * removed. Kinds the export does not include are left alone. Registry subjects are only ever added
 * to: missing versions are registered in order and compatibility rules set, but nothing is deleted
 * from the registry.
 */
final class ConfigImport {

  /** The orchestrator's default iteration budget; compiling, all validation does, ignores it. */
  private static final int EXPRESSION_ITERATIONS = 10_000;

  /** The gateway's default operation timeout; validation does not depend on it. */
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final String NOT_INCLUDED = "not in the export; the target's are left alone";

  private final Path exportDir;
  private final StackConfig target;
  private final Map<String, String> environment;
  private final SubscriptionTransfer subscriptions;

  /**
   * @param environment where the values of secret references come from
   */
  ConfigImport(
      Path exportDir,
      StackConfig target,
      Map<String, String> environment,
      SubscriptionTransfer subscriptions) {
    this.exportDir = exportDir.toAbsolutePath().normalize();
    this.target = target;
    this.environment = Map.copyOf(environment);
    this.subscriptions = subscriptions;
  }

  /** A plan and what applying it takes. */
  record Prepared(
      ImportPlan plan,
      Map<FileKind, Map<String, byte[]>> files,
      List<RegistryImport.SubjectUpdate> subjects,
      Manifest manifest) {}

  /** What was done. */
  record Applied(int written, int removed, int versions, int rules, int subscriptions) {}

  /**
   * Reads and validates the export and compares it with the target; changes nothing.
   *
   * @throws ConfigException when the folder is not an export
   */
  Prepared prepare() {
    Manifest manifest = Manifest.read(exportDir);
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<Section> sections = new ArrayList<>();
    Map<FileKind, Map<String, byte[]>> files = new EnumMap<>(FileKind.class);
    for (FileKind kind : FileKind.values()) {
      if (!manifest.kinds().contains(kind)) {
        continue;
      }
      if (!Files.isDirectory(exportDir.resolve(kind.folder()))) {
        problems.add(kind.folder() + "/: listed in " + Manifest.FILE + " but missing");
        continue;
      }
      files.put(kind, incoming(kind, problems));
    }
    Map<String, ApiDefinition> apis =
        files.containsKey(FileKind.APIS)
            ? validateCatalog(files.get(FileKind.APIS), problems)
            : Map.of();
    Map<String, WorkflowDefinition> workflows =
        files.containsKey(FileKind.WORKFLOWS)
            ? validateWorkflows(files.get(FileKind.WORKFLOWS), problems)
            : Map.of();
    if (files.containsKey(FileKind.PRODUCTS)) {
      validateYaml(FileKind.PRODUCTS, files.get(FileKind.PRODUCTS), problems);
    }
    if (files.containsKey(FileKind.WORKFLOWS)) {
      checkWorkflowReferences(apis.values(), workflows.keySet(), warnings);
    }
    for (FileKind kind : FileKind.values()) {
      sections.add(
          files.containsKey(kind)
              ? fileSection(kind, files.get(kind))
              : Section.notIncluded(kind.folder(), NOT_INCLUDED));
    }
    List<RegistryImport.SubjectUpdate> updates = new ArrayList<>();
    if (manifest.registry()) {
      RegistryImport.Planned planned = RegistryImport.plan(exportDir, target.registry(), problems);
      sections.add(planned.section());
      updates.addAll(planned.updates());
    } else {
      sections.add(Section.notIncluded(Manifest.REGISTRY, NOT_INCLUDED));
    }
    sections.add(subscriptions.plan(exportDir, problems));
    return new Prepared(new ImportPlan(problems, warnings, sections), files, updates, manifest);
  }

  /**
   * Applies a valid plan: registry first, then workflows, the catalog and products, then the
   * subscriptions (which name products).
   */
  Applied apply(Prepared prepared) {
    if (!prepared.plan().valid()) {
      throw new IllegalStateException("an invalid plan is never applied");
    }
    RegistryImport.Registered registered =
        RegistryImport.apply(target.registry(), prepared.subjects());
    int written = 0;
    int removed = 0;
    for (FileKind kind : List.of(FileKind.WORKFLOWS, FileKind.APIS, FileKind.PRODUCTS)) {
      Map<String, byte[]> incoming = prepared.files().get(kind);
      if (incoming != null) {
        int[] counts = mirror(kind, incoming);
        written += counts[0];
        removed += counts[1];
      }
    }
    int imported = subscriptions.apply(exportDir);
    return new Applied(written, removed, registered.versions(), registered.rules(), imported);
  }

  // ---- reading the export

  /** The export's files of a kind, their secret references resolved from the environment. */
  private Map<String, byte[]> incoming(FileKind kind, List<String> problems) {
    Map<String, byte[]> contents = new TreeMap<>();
    for (Map.Entry<String, Path> file : kind.files(exportDir.resolve(kind.folder())).entrySet()) {
      String name = kind.folder() + "/" + file.getKey();
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file.getValue());
      } catch (IOException e) {
        problems.add(name + ": cannot be read: " + e.getMessage());
        continue;
      }
      if (kind.configFile(file.getKey())) {
        SecretReferences.Resolved resolved =
            SecretReferences.resolve(name, new String(bytes, StandardCharsets.UTF_8), environment);
        problems.addAll(resolved.problems());
        bytes = resolved.text().getBytes(StandardCharsets.UTF_8);
      }
      contents.put(file.getKey(), bytes);
    }
    return contents;
  }

  // ---- validation

  /** Loads every API file as the gateway would; returns the definitions by file name. */
  private Map<String, ApiDefinition> validateCatalog(
      Map<String, byte[]> incoming, List<String> problems) {
    String folder = FileKind.APIS.folder() + "/";
    Path stage = null;
    try {
      // the loader reads files and resolves schema paths against their folder: a staged copy
      // holds the export with its secrets resolved
      stage = Files.createTempDirectory("junction-import-");
      Path stagedApis = stage.resolve(FileKind.APIS.folder());
      for (Map.Entry<String, byte[]> file : incoming.entrySet()) {
        Path out = stagedApis.resolve(file.getKey());
        Files.createDirectories(out.getParent());
        Files.write(out, file.getValue());
      }
      Files.createDirectories(stagedApis);
      CatalogLoader loader = new CatalogLoader(DEFAULT_TIMEOUT);
      Map<String, ApiDefinition> apis = new TreeMap<>();
      for (String name : incoming.keySet()) {
        if (!FileKind.APIS.configFile(name)) {
          continue;
        }
        try {
          apis.put(name, loader.load(stagedApis, stagedApis.resolve(name)));
        } catch (CatalogException e) {
          e.problems().forEach(p -> problems.add(folder + e.source() + ": " + p));
        }
      }
      try {
        CatalogLoader.checkConsistency(apis.values());
      } catch (CatalogException e) {
        e.problems().forEach(p -> problems.add(folder + ": " + p));
      }
      try {
        ApiSchemas.load(stagedApis, stage);
      } catch (SchemaException e) {
        problems.addAll(e.problems());
      }
      checkSchemaEvolution(apis, loader, problems);
      return apis;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stage the catalog for validation", e);
    } finally {
      deleteTree(stage);
    }
  }

  /**
   * The running gateway refuses a changed API file whose schemas break the clients of the version
   * it serves (and keeps serving the old one): such an import would be half applied, so it is a
   * problem here.
   */
  private void checkSchemaEvolution(
      Map<String, ApiDefinition> apis, CatalogLoader loader, List<String> problems) {
    Path targetApis = target.folder(FileKind.APIS);
    for (Map.Entry<String, ApiDefinition> api : apis.entrySet()) {
      Path served = targetApis.resolve(api.getKey());
      if (!Files.isRegularFile(served)) {
        continue;
      }
      ApiDefinition current;
      try {
        current = loader.load(targetApis, served);
      } catch (CatalogException e) {
        continue; // the target's own file does not load: nothing of it is compared
      }
      for (String breaking : SchemaEvolution.breakingChanges(current, api.getValue())) {
        problems.add(
            "%s/%s: %s (the gateway refuses a schema change that breaks the clients of the API"
                    .formatted(FileKind.APIS.folder(), api.getKey(), breaking)
                + " version it serves; publish it as a new version)");
      }
    }
  }

  /** Loads every workflow as the orchestrator would; returns the definitions by name. */
  private Map<String, WorkflowDefinition> validateWorkflows(
      Map<String, byte[]> incoming, List<String> problems) {
    WorkflowLoader loader = new WorkflowLoader(new ExpressionCompiler(EXPRESSION_ITERATIONS));
    Map<String, WorkflowDefinition> byName = new TreeMap<>();
    Map<String, String> owners = new HashMap<>();
    for (Map.Entry<String, byte[]> file : incoming.entrySet()) {
      String name = FileKind.WORKFLOWS.folder() + "/" + file.getKey();
      try {
        WorkflowDefinition definition =
            loader.parse(name, new String(file.getValue(), StandardCharsets.UTF_8));
        String owner = owners.putIfAbsent(definition.name(), name);
        if (owner != null) {
          problems.add(
              "%s: name: workflow '%s' is also defined by %s; keep one file per workflow"
                  .formatted(name, definition.name(), owner));
        } else {
          byName.put(definition.name(), definition);
        }
      } catch (InvalidWorkflowException e) {
        e.violations().forEach(v -> problems.add(name + ": " + v));
      }
    }
    return byName;
  }

  private static void validateYaml(
      FileKind kind, Map<String, byte[]> incoming, List<String> problems) {
    for (Map.Entry<String, byte[]> file : incoming.entrySet()) {
      if (!kind.configFile(file.getKey())) {
        continue;
      }
      try {
        Manifest.YAML.readTree(file.getValue());
      } catch (JacksonException e) {
        problems.add(
            "%s/%s: (document): not valid YAML: %s"
                .formatted(kind.folder(), file.getKey(), e.getOriginalMessage()));
      }
    }
  }

  private static void checkWorkflowReferences(
      Collection<ApiDefinition> apis, Set<String> workflows, List<String> warnings) {
    for (ApiDefinition api : apis) {
      for (Operation operation : api.operations()) {
        if (operation.backend() instanceof Backend.Workflow(String name)
            && !workflows.contains(name)) {
          warnings.add(
              "%s/%s: operation %s calls workflow '%s', which the export does not define"
                  .formatted(FileKind.APIS.folder(), api.source(), operation.id(), name));
        }
      }
    }
  }

  // ---- diff

  private Section fileSection(FileKind kind, Map<String, byte[]> incoming) {
    Map<String, Path> existing = kind.files(target.folder(kind));
    List<Item> items = new ArrayList<>();
    for (String name : new TreeSet<>(union(incoming.keySet(), existing.keySet()))) {
      byte[] next = incoming.get(name);
      Path current = existing.get(name);
      if (current == null) {
        items.add(new Item(name, Change.ADDED, ""));
      } else if (next == null) {
        items.add(new Item(name, Change.REMOVED, ""));
      } else {
        byte[] before = read(current);
        items.add(
            Arrays.equals(before, next)
                ? new Item(name, Change.UNCHANGED, "")
                : new Item(name, Change.CHANGED, textDiff(before, next)));
      }
    }
    return Section.of(kind.folder(), items);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }

  private static String textDiff(byte[] before, byte[] after) {
    try {
      return LineDiff.summary(utf8(before), utf8(after));
    } catch (CharacterCodingException e) {
      return "binary";
    }
  }

  private static String utf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
  }

  // ---- applying

  /**
   * Makes the target folder of a kind hold exactly the export's files. Each file is written to a
   * hidden temporary name and moved into place, so the scanners never read half a file; files in
   * sub-folders (schemas, OpenAPI documents) come before the API files that refer to them, and
   * removals after.
   *
   * @return files written and removed
   */
  private int[] mirror(FileKind kind, Map<String, byte[]> incoming) {
    Path folder = target.folder(kind);
    Map<String, Path> existing = kind.files(folder);
    Comparator<String> deepestFirst =
        Comparator.comparingInt((String name) -> name.split("/").length)
            .reversed()
            .thenComparing(Comparator.naturalOrder());
    Map<String, byte[]> writes = new LinkedHashMap<>();
    incoming.keySet().stream()
        .sorted(deepestFirst)
        .forEach(
            name -> {
              Path current = existing.get(name);
              if (current == null || !Arrays.equals(read(current), incoming.get(name))) {
                writes.put(name, incoming.get(name));
              }
            });
    List<String> removals =
        existing.keySet().stream()
            .filter(name -> !incoming.containsKey(name))
            .sorted(deepestFirst.reversed())
            .toList();
    try {
      for (Map.Entry<String, byte[]> write : writes.entrySet()) {
        Path file = folder.resolve(write.getKey());
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling("." + file.getFileName() + ".importing");
        Files.write(temporary, write.getValue());
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      for (String removal : removals) {
        Files.deleteIfExists(folder.resolve(removal));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the " + kind.title() + " into " + folder + ": " + e.getMessage(), e);
    }
    return new int[] {writes.size(), removals.size()};
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove the staging folder " + root, e);
    }
  }
}
