package dev.junction.contract.schema;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a service does at start for the subjects it owns: wait for the registry, saying so in the
 * log, instead of failing and being restarted in a loop; then register its schemas and set their
 * compatibility, so a breaking schema is refused before the first record is written.
 */
public final class RegistryStartup {

  private static final Logger log = LoggerFactory.getLogger(RegistryStartup.class);
  private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);

  private RegistryStartup() {}

  /**
   * Registers {@code subjects}, retrying while the registry cannot be reached.
   *
   * @param timeout how long to wait for the registry; zero waits for ever
   * @return what registration did per subject
   * @throws RegistryException when the registry is still unreachable after {@code timeout}
   * @throws SchemaException when a schema breaks its subject's compatibility mode
   */
  public static List<SchemaRegistration.Change> awaitAndRegister(
      RegistryClient registry,
      CompatibilitySettings settings,
      List<Subject> subjects,
      Duration timeout,
      Clock clock)
      throws InterruptedException {
    Instant giveUpAt = timeout.isZero() ? Instant.MAX : clock.instant().plus(timeout);
    Duration pause = FIRST_PAUSE;
    for (int attempt = 1; ; attempt++) {
      try {
        List<SchemaRegistration.Change> changes =
            new SchemaRegistration(registry, settings).register(subjects);
        List<String> refused =
            changes.stream().filter(c -> !c.ok()).map(SchemaRegistration.Change::describe).toList();
        if (!refused.isEmpty()) {
          throw new SchemaException("Schemas refused by their subjects' compatibility", refused);
        }
        log.info(
            "Schema registry {} answered (attempt {}); {} subject(s) registered",
            registry.url(),
            attempt,
            changes.size());
        return changes;
      } catch (RegistryException e) {
        if (e instanceof IncompatibleSchemaException || !clock.instant().isBefore(giveUpAt)) {
          throw e;
        }
        log.warn(
            "Waiting for the schema registry at {} (attempt {}, next in {} ms): {}",
            registry.url(),
            attempt,
            pause.toMillis(),
            e.getMessage());
        Thread.sleep(pause.toMillis());
        pause =
            pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0
                ? LONGEST_PAUSE
                : pause.multipliedBy(2);
      }
    }
  }
}
