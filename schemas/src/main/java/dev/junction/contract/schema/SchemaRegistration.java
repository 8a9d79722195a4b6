package dev.junction.contract.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the registry in line with the schemas of this checkout: each subject gets its schema as a
 * version (once: registering again adds nothing) and its compatibility mode. {@link #check} only
 * reports what {@link #register} would do and whether each change is compatible.
 */
public final class SchemaRegistration {

  private static final Logger log = LoggerFactory.getLogger(SchemaRegistration.class);

  private final RegistryClient registry;
  private final CompatibilitySettings settings;

  public SchemaRegistration(RegistryClient registry, CompatibilitySettings settings) {
    this.registry = registry;
    this.settings = settings;
  }

  /** What would change for each subject, without changing anything. */
  public List<Change> check(List<Subject> subjects) {
    return subjects.stream().map(this::plan).toList();
  }

  /**
   * Registers every subject that needs it and sets every compatibility mode. An existing subject
   * gets its mode before its new version is registered, so the registry itself judges the new
   * version too; a schema that breaks its subject's mode (by Avro's checker or the registry's) is
   * reported, not registered, and the other subjects go on.
   */
  public List<Change> register(List<Subject> subjects) {
    List<Change> done = new ArrayList<>();
    for (Subject subject : subjects) {
      Change change = plan(subject);
      done.add(apply(change));
    }
    return List.copyOf(done);
  }

  private Change plan(Subject subject) {
    CompatibilityMode mode = settings.modeOf(subject.name());
    Optional<Integer> version = registry.versionOf(subject.name(), subject.schema());
    List<Schema> earlier = version.isPresent() ? List.of() : registry.versions(subject.name());
    boolean exists = version.isPresent() || !earlier.isEmpty();
    Optional<CompatibilityMode> current =
        exists ? registry.compatibility(subject.name()) : Optional.empty();
    if (version.isPresent()) {
      return new Change(subject, Action.UNCHANGED, current, mode, version, List.of(), null);
    }
    if (!exists) {
      return new Change(
          subject, Action.NEW_SUBJECT, current, mode, Optional.empty(), List.of(), null);
    }
    List<SchemaIncompatibility> problems = mode.check(subject.schema(), earlier);
    return new Change(
        subject,
        problems.isEmpty() ? Action.NEW_VERSION : Action.INCOMPATIBLE,
        current,
        mode,
        Optional.empty(),
        problems,
        null);
  }

  private Change apply(Change change) {
    String name = change.subject().name();
    boolean modeDiffers = change.currentMode().map(m -> m != change.mode()).orElse(true);
    if (change.action() != Action.NEW_SUBJECT && modeDiffers) {
      registry.setCompatibility(name, change.mode());
      log.info("Subject {}: compatibility set to {}", name, change.mode());
    }
    if (change.action() == Action.UNCHANGED || change.action() == Action.INCOMPATIBLE) {
      // a schema known to break its subject is never pushed; the registry would refuse it anyway
      return change;
    }
    try {
      int id = registry.register(name, change.subject().schema());
      if (change.action() == Action.NEW_SUBJECT) {
        registry.setCompatibility(name, change.mode());
      }
      Optional<Integer> version = registry.versionOf(name, change.subject().schema());
      log.info(
          "Subject {}: registered {} as version {} (id {})",
          name,
          change.subject().source(),
          version.orElse(-1),
          id);
      return new Change(
          change.subject(),
          change.action(),
          change.currentMode(),
          change.mode(),
          version,
          change.incompatibilities(),
          null);
    } catch (IncompatibleSchemaException e) {
      return new Change(
          change.subject(),
          Action.INCOMPATIBLE,
          change.currentMode(),
          change.mode(),
          Optional.empty(),
          change.incompatibilities(),
          e.getMessage());
    }
  }

  /** What happens to a subject. */
  public enum Action {
    /** The schema is already a version of the subject. */
    UNCHANGED,
    /** The subject does not exist yet; the schema becomes its version 1. */
    NEW_SUBJECT,
    /** The schema becomes the subject's next version; it is compatible. */
    NEW_VERSION,
    /** The schema breaks the subject's mode; it is not (or was not) registered. */
    INCOMPATIBLE
  }

  /**
   * One subject's outcome.
   *
   * @param subject the subject and its schema
   * @param action what happens (or happened)
   * @param currentMode the mode set on the subject in the registry before, if any
   * @param mode the mode the settings ask for
   * @param version the version the schema has in the registry, when it has one
   * @param incompatibilities why the schema breaks the mode, per field (Avro's checker)
   * @param refusal the registry's own message when it refused the schema
   */
  public record Change(
      Subject subject,
      Action action,
      Optional<CompatibilityMode> currentMode,
      CompatibilityMode mode,
      Optional<Integer> version,
      List<SchemaIncompatibility> incompatibilities,
      String refusal) {

    public Change {
      incompatibilities = List.copyOf(incompatibilities);
    }

    /** Whether this subject is (or would be) in line with the checkout. */
    public boolean ok() {
      return action != Action.INCOMPATIBLE;
    }

    /** A few lines for the terminal. */
    public String describe() {
      StringBuilder text =
          new StringBuilder(subject.name()).append(" (").append(subject.source()).append("): ");
      text.append(
          switch (action) {
            case UNCHANGED -> "unchanged, version " + version.orElseThrow();
            case NEW_SUBJECT -> "new subject" + version.map(v -> ", version " + v).orElse("");
            case NEW_VERSION ->
                "new version, compatible under "
                    + mode
                    + version.map(v -> " (version " + v + ")").orElse("");
            case INCOMPATIBLE -> "INCOMPATIBLE under " + mode;
          });
      String before = currentMode.map(Enum::name).orElse("unset");
      if (!before.equals(mode.name())) {
        text.append("; compatibility ").append(before).append(" -> ").append(mode);
      }
      for (SchemaIncompatibility problem : incompatibilities) {
        text.append("\n    - ").append(problem.describe());
      }
      if (refusal != null) {
        text.append("\n    - ").append(refusal);
      }
      return text.toString();
    }
  }
}
