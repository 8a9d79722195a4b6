package dev.junction.gateway.catalog;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads a catalog file's {@code versionScheme}, {@code defaultVersion}, {@code revision}, {@code
 * current} and {@code changeLog}, adding what is wrong to the file's problems.
 */
final class VersioningReader {

  /** The top-level keys it reads. */
  static final Set<String> KEYS =
      Set.of("versionScheme", "defaultVersion", "revision", "current", "changeLog");

  private static final int MAX_REVISION = 1_000_000;

  private final List<String> problems;

  VersioningReader(List<String> problems) {
    this.problems = problems;
  }

  Versioning read(JsonNode root) {
    Versioning.Scheme scheme = scheme(root.get("versionScheme"));
    String defaultVersion = null;
    JsonNode declared = root.get("defaultVersion");
    if (declared != null && !declared.isNull()) {
      if (!declared.isString() || declared.asString().isBlank()) {
        problems.add("defaultVersion: must be one of the API's versions, e.g. v1");
      } else if (scheme != Versioning.Scheme.HEADER) {
        problems.add("defaultVersion: is only used with versionScheme: header");
      } else {
        defaultVersion = declared.asString().trim();
      }
    }
    int revision = revision(root.get("revision"), "revision");
    Boolean current = null;
    JsonNode currentNode = root.get("current");
    if (currentNode != null && !currentNode.isNull()) {
      if (currentNode.isBoolean()) {
        current = currentNode.asBoolean();
      } else {
        problems.add("current: must be true or false");
      }
    }
    return new Versioning(scheme, defaultVersion, revision, current, changeLog(root, revision));
  }

  private Versioning.Scheme scheme(JsonNode node) {
    if (node == null || node.isNull()) {
      return Versioning.Scheme.PATH;
    }
    String value = node.asString("");
    try {
      return Versioning.Scheme.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add("versionScheme: must be path or header, got '" + value + "'");
      return Versioning.Scheme.PATH;
    }
  }

  private int revision(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return 1;
    }
    if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > MAX_REVISION) {
      problems.add(
          where + ": must be a whole number from 1 to " + MAX_REVISION + ", got '" + node + "'");
      return 1;
    }
    return node.asInt();
  }

  private List<Versioning.ChangeLogEntry> changeLog(JsonNode root, int revision) {
    JsonNode list = root.get("changeLog");
    if (list == null || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      problems.add("changeLog: must be a list of {revision, date, description}");
      return List.of();
    }
    List<Versioning.ChangeLogEntry> entries = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = "changeLog[" + i + "]";
      JsonNode entry = list.get(i);
      if (!entry.isObject()) {
        problems.add(where + ": must be a mapping with revision, date and description");
        continue;
      }
      ConfigFields.unknownKeys(
          entry, where + ".", Set.of("revision", "date", "description"), problems);
      int before = problems.size();
      if (!entry.has("revision")) {
        problems.add(where + ".revision: is required");
      }
      int entryRevision = revision(entry.get("revision"), where + ".revision");
      if (entryRevision > revision) {
        problems.add(
            where
                + ".revision: "
                + entryRevision
                + " is later than the file's revision "
                + revision);
      }
      LocalDate date = null;
      String dateText = entry.path("date").asString("");
      try {
        date = LocalDate.parse(dateText);
      } catch (DateTimeParseException e) {
        problems.add(where + ".date: must be a date like 2026-11-26, got '" + dateText + "'");
      }
      String description = entry.path("description").asString("").trim();
      if (description.isEmpty()) {
        problems.add(where + ".description: is required");
      }
      if (problems.size() == before) {
        entries.add(new Versioning.ChangeLogEntry(entryRevision, date, description));
      }
    }
    return entries;
  }
}
