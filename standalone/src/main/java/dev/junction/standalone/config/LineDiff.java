package dev.junction.standalone.config;

import java.util.List;

/** How many lines a change adds and removes (a longest-common-subsequence count, like diff). */
final class LineDiff {

  /** Beyond this many cells the table costs too much for a summary line. */
  private static final long MAX_CELLS = 4_000_000L;

  private LineDiff() {}

  /**
   * @return e.g. {@code +3 -1 lines}, or {@code changed} for texts too long to compare here
   */
  static String summary(String before, String after) {
    List<String> a = before.lines().toList();
    List<String> b = after.lines().toList();
    if ((long) a.size() * b.size() > MAX_CELLS) {
      return "changed";
    }
    int[] previous = new int[b.size() + 1];
    int[] current = new int[b.size() + 1];
    for (int i = 1; i <= a.size(); i++) {
      for (int j = 1; j <= b.size(); j++) {
        current[j] =
            a.get(i - 1).equals(b.get(j - 1))
                ? previous[j - 1] + 1
                : Math.max(previous[j], current[j - 1]);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    int common = previous[b.size()];
    return "+%d -%d lines".formatted(b.size() - common, a.size() - common);
  }
}
