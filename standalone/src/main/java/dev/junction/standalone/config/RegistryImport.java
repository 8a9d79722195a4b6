package dev.junction.standalone.config;

import dev.junction.contract.schema.CompatibilityMode;
import dev.junction.contract.schema.IncompatibleSchemaException;
import dev.junction.contract.schema.RegistryClient;
import dev.junction.contract.schema.RegistryClient.RegisteredVersion;
import dev.junction.contract.schema.RegistryException;
import dev.junction.contract.schema.SchemaIncompatibility;
import dev.junction.standalone.config.ImportPlan.Change;
import dev.junction.standalone.config.ImportPlan.Item;
import dev.junction.standalone.config.ImportPlan.Section;
import dev.junction.standalone.config.RegistrySubjects.SubjectVersions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;

/**
 * The registry part of an import: which versions of each exported subject the target registry
 * lacks, whether each is compatible with the target's versions under the subject's rule, and
 * registering them in order. Nothing is ever deleted from the registry.
 */
final class RegistryImport {

  private RegistryImport() {}

  /**
   * What one subject needs.
   *
   * @param exists whether the target registry has the subject
   * @param compatibility the rule to set, when it differs from the target's
   * @param missing the export's versions the target lacks, in order
   */
  record SubjectUpdate(
      String name,
      boolean exists,
      Optional<CompatibilityMode> compatibility,
      List<Schema> missing) {}

  /** The subjects' diff, and what applying it takes. */
  record Planned(Section section, List<SubjectUpdate> updates) {}

  /** What was registered. */
  record Registered(int versions, int rules) {}

  /** The subjects' diff, checking each new version against the target's under its rule. */
  static Planned plan(Path exportDir, RegistryClient registry, List<String> problems) {
    List<SubjectUpdate> updates = new ArrayList<>();
    RegistrySubjects subjects = RegistrySubjects.load(exportDir, problems);
    List<Item> items = new ArrayList<>();
    try {
      Set<String> exported = new TreeSet<>();
      for (SubjectVersions subject : subjects.subjects()) {
        exported.add(subject.name());
        items.add(planSubject(subject, registry, problems, updates));
      }
      for (String name : registry.subjects()) {
        if (!exported.contains(name)) {
          items.add(
              new Item(name, Change.KEPT, "only in the target; import never deletes schemas"));
        }
      }
    } catch (RegistryException e) {
      problems.add("registry: " + e.getMessage());
    }
    items.sort(Comparator.comparing(Item::name));
    return new Planned(Section.of(Manifest.REGISTRY, items), updates);
  }

  private static Item planSubject(
      SubjectVersions subject,
      RegistryClient registry,
      List<String> problems,
      List<SubjectUpdate> updates) {
    String name = subject.name();
    List<RegisteredVersion> registered = registry.registeredVersions(name);
    if (registered.stream().anyMatch(v -> !v.avro())) {
      problems.add(
          "%s: subject %s holds non-Avro schemas in the target registry"
              .formatted(RegistrySubjects.INDEX, name));
      return new Item(name, Change.UNCHANGED, "not compared");
    }
    List<Schema> current =
        registered.stream().map(v -> new Schema.Parser().parse(v.schema())).toList();
    boolean exists = !current.isEmpty();
    Optional<CompatibilityMode> currentMode =
        exists ? registry.compatibility(name) : Optional.empty();
    Optional<CompatibilityMode> setMode =
        subject.compatibility().filter(mode -> !currentMode.equals(Optional.of(mode)));
    // the rule the target will judge new versions by: the export's, else the subject's own; a
    // subject without either follows the registry's global rule, which the registry applies itself
    CompatibilityMode mode =
        subject.compatibility().or(() -> currentMode).orElse(CompatibilityMode.NONE);
    List<Schema> versions = new ArrayList<>(current);
    List<Schema> missing = new ArrayList<>();
    for (RegistrySubjects.Version version : subject.versions()) {
      if (versions.contains(version.schema())) {
        continue;
      }
      List<SchemaIncompatibility> broken = mode.check(version.schema(), versions);
      for (SchemaIncompatibility problem : broken) {
        problems.add(
            "%s: %s version %d (%s): %s"
                .formatted(
                    RegistrySubjects.INDEX,
                    name,
                    version.number(),
                    version.file(),
                    problem.describe("the target's version " + problem.version())));
      }
      versions.add(version.schema());
      missing.add(version.schema());
    }
    long onlyInTarget = current.stream().filter(s -> !subject.schemas().contains(s)).count();
    List<String> details = new ArrayList<>();
    if (!missing.isEmpty()) {
      details.add(exists ? "+" + missing.size() + " version(s)" : missing.size() + " version(s)");
    }
    if (setMode.isPresent()) {
      details.add(
          "compatibility "
              + (exists ? currentMode.map(Enum::name).orElse("unset") + " -> " : "")
              + setMode.get());
    }
    if (onlyInTarget > 0) {
      details.add(onlyInTarget + " version(s) only in the target, kept");
    }
    if (missing.isEmpty() && setMode.isEmpty()) {
      return new Item(name, Change.UNCHANGED, String.join("; ", details));
    }
    updates.add(new SubjectUpdate(name, exists, setMode, missing));
    return new Item(name, exists ? Change.CHANGED : Change.ADDED, String.join("; ", details));
  }

  /**
   * Registers the missing versions of each subject in order. An existing subject gets its rule
   * first, so the registry judges the new versions by it; a new subject exists only once its first
   * version is registered, and gets its rule then.
   */
  static Registered apply(RegistryClient registry, List<SubjectUpdate> updates) {
    int versions = 0;
    int rules = 0;
    for (SubjectUpdate update : updates) {
      if (update.exists() && update.compatibility().isPresent()) {
        registry.setCompatibility(update.name(), update.compatibility().get());
        rules++;
      }
      for (int i = 0; i < update.missing().size(); i++) {
        try {
          registry.register(update.name(), update.missing().get(i));
        } catch (IncompatibleSchemaException e) {
          throw new ConfigException(
              "The registry refused a version of %s although it was checked: %s; %d schema"
                      .formatted(update.name(), e.getMessage(), versions)
                  + " version(s) were registered before, and no file was written");
        }
        versions++;
        if (i == 0 && !update.exists() && update.compatibility().isPresent()) {
          registry.setCompatibility(update.name(), update.compatibility().get());
          rules++;
        }
      }
    }
    return new Registered(versions, rules);
  }
}
