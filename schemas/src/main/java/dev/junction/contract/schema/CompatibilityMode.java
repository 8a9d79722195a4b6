package dev.junction.contract.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A subject's compatibility mode, as the Confluent-compatible registry API names it, checked with
 * Avro's own {@link SchemaCompatibility}.
 *
 * <ul>
 *   <li>BACKWARD: the new schema reads data written with the previous one (consumers upgrade
 *       first). The default.
 *   <li>FORWARD: the previous schema reads data written with the new one (producers upgrade first).
 *   <li>FULL: both.
 *   <li>{@code _TRANSITIVE}: against every earlier version, not only the latest.
 *   <li>NONE: no check.
 * </ul>
 */
public enum CompatibilityMode {
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true),
  NONE(false, false, false);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityMode(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /**
   * @throws IllegalArgumentException naming the accepted values
   */
  public static CompatibilityMode parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown compatibility mode '" + value + "', expected one of " + List.of(values()), e);
    }
  }

  /**
   * Every way {@code candidate} breaks this mode against earlier versions of its subject.
   *
   * @param candidate the schema about to become the subject's newest version
   * @param earlier the subject's versions, oldest first; only the newest one counts unless the mode
   *     is transitive
   * @return the incompatibilities, empty when the candidate is acceptable
   */
  public List<SchemaIncompatibility> check(Schema candidate, List<Schema> earlier) {
    if (earlier.isEmpty() || this == NONE) {
      return List.of();
    }
    List<Schema> against = transitive ? earlier : List.of(earlier.getLast());
    List<SchemaIncompatibility> found = new ArrayList<>();
    for (int i = 0; i < against.size(); i++) {
      Schema previous = against.get(i);
      int version = transitive ? i + 1 : earlier.size();
      if (backward) {
        found.addAll(
            SchemaIncompatibility.of(this, candidate, previous, version, Direction.NEW_READS_OLD));
      }
      if (forward) {
        found.addAll(
            SchemaIncompatibility.of(this, previous, candidate, version, Direction.OLD_READS_NEW));
      }
    }
    return List.copyOf(found);
  }

  /** Which of the two schemas reads data written with the other. */
  public enum Direction {
    /** The new schema reads data written with the earlier version (BACKWARD). */
    NEW_READS_OLD,
    /** The earlier version reads data written with the new schema (FORWARD). */
    OLD_READS_NEW
  }
}
