package dev.junction.standalone.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an import would change, per kind and per item, shown before anything changes: the dry-run
 * diff. A plan with problems is never applied.
 *
 * @param problems why the export cannot be imported, each naming the file, the path in it and what
 *     is wrong; empty when it can
 * @param warnings what is odd but does not stop the import
 * @param sections one per kind
 */
record ImportPlan(List<String> problems, List<String> warnings, List<Section> sections) {

  ImportPlan {
    problems = List.copyOf(problems);
    warnings = List.copyOf(warnings);
    sections = List.copyOf(sections);
  }

  boolean valid() {
    return problems.isEmpty();
  }

  /** Whether applying the plan changes something. */
  boolean changesSomething() {
    return sections.stream()
        .flatMap(s -> s.items().stream())
        .anyMatch(i -> i.change() != Change.UNCHANGED && i.change() != Change.KEPT);
  }

  /** What happens to one item. */
  enum Change {
    ADDED("+", "added"),
    CHANGED("~", "changed"),
    REMOVED("-", "removed"),
    UNCHANGED("=", "unchanged"),
    /** In the target only, and left there (schema subjects and versions are never deleted). */
    KEPT("!", "kept");

    private final String mark;
    private final String word;

    Change(String mark, String word) {
      this.mark = mark;
      this.word = word;
    }
  }

  /**
   * One item: a file, relative to its kind's folder, or a registry subject.
   *
   * @param detail what changes inside it, or empty
   */
  record Item(String name, Change change, String detail) {}

  /**
   * One kind's items.
   *
   * @param kind the kind, as the export names its folder
   * @param items the items, sorted
   * @param note why the kind is not part of the import, or empty
   */
  record Section(String kind, List<Item> items, String note) {

    Section {
      items = List.copyOf(items);
    }

    static Section of(String kind, List<Item> items) {
      return new Section(kind, items, "");
    }

    static Section notIncluded(String kind, String note) {
      return new Section(kind, List.of(), note);
    }

    Map<Change, Long> counts() {
      Map<Change, Long> counts = new EnumMap<>(Change.class);
      for (Change change : Change.values()) {
        counts.put(change, items.stream().filter(i -> i.change() == change).count());
      }
      return counts;
    }
  }

  /** The plan for the terminal. */
  String describe() {
    List<String> lines = new ArrayList<>();
    for (Section section : sections) {
      if (!section.note().isEmpty()) {
        lines.add(section.kind() + ": " + section.note());
        continue;
      }
      Map<Change, Long> counts = section.counts();
      lines.add(
          section.kind()
              + ": "
              + counts.entrySet().stream()
                  .filter(e -> e.getValue() > 0 || e.getKey() != Change.KEPT)
                  .map(e -> e.getValue() + " " + e.getKey().word)
                  .collect(Collectors.joining(", ")));
      for (Item item : section.items()) {
        lines.add(
            "  %s %s%s"
                .formatted(
                    item.change().mark,
                    item.name(),
                    item.detail().isEmpty() ? "" : " (" + item.detail() + ")"));
      }
    }
    warnings.forEach(w -> lines.add("warning: " + w));
    return String.join("\n", lines) + "\n";
  }
}
