package dev.junction.gateway.catalog;

import java.time.LocalDate;
import java.util.List;

/**
 * How a catalog file's API version is selected, which revision of it the file is, and its change
 * log.
 *
 * @param scheme how clients pick the version
 * @param defaultVersion with the header scheme, the version a call without {@value
 *     ApiVersions#VERSION_HEADER} gets; {@code null} for none (such a call is refused)
 * @param revision the file's revision of the API version, from 1
 * @param current whether the file declares itself the current revision ({@code null} when it does
 *     not say: then the highest revision is current)
 * @param changeLog what changed, as written in the file
 */
public record Versioning(
    Scheme scheme,
    String defaultVersion,
    int revision,
    Boolean current,
    List<ChangeLogEntry> changeLog) {

  /** A path-versioned API's only revision, without change log. */
  public static final Versioning DEFAULT = new Versioning(Scheme.PATH, null, 1, null, List.of());

  public Versioning {
    changeLog = List.copyOf(changeLog);
  }

  /** How a client picks an API's version. */
  public enum Scheme {
    /** The version is part of the base path ({@code /orders/v1}); one base path per version. */
    PATH,
    /** Versions share a base path; the {@value ApiVersions#VERSION_HEADER} header picks. */
    HEADER
  }

  /**
   * One change log entry.
   *
   * @param revision the revision the change came with
   * @param date when
   * @param description what changed
   */
  public record ChangeLogEntry(int revision, LocalDate date, String description) {}
}
