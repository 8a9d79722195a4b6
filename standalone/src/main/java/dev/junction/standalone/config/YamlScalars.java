package dev.junction.standalone.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Rewrites single scalar values of a YAML text in place, leaving everything else (comments, order,
 * quoting, layout) as it was: the node tree of SnakeYAML Engine (the parser under Jackson's YAML
 * module) gives each scalar's position in the text.
 */
final class YamlScalars {

  private YamlScalars() {}

  /**
   * One scalar and where it is.
   *
   * @param path its path in the document, e.g. {@code steps[0].input.headers.Authorization}
   * @param key the mapping key it is the value of; empty in a sequence or at the root
   * @param node the scalar
   */
  record Scalar(String path, String key, ScalarNode node) {}

  /**
   * Replaces scalars of {@code text}.
   *
   * @param skip subtrees, by path, whose scalars are left alone
   * @param replacement given a scalar, the YAML text that replaces it, or empty to keep it
   * @return the new text; {@code text} itself when it is not valid YAML or nothing was replaced
   */
  static String replace(
      String text,
      Predicate<String> skip,
      BiFunction<Scalar, String, Optional<String>> replacement) {
    Optional<Node> root;
    try {
      root = new Compose(LoadSettings.builder().build()).composeString(text);
    } catch (YamlEngineException e) {
      return text; // the loaders that read the file name the problem
    }
    if (root.isEmpty()) {
      return text;
    }
    List<Scalar> scalars = new ArrayList<>();
    collect(root.get(), "", "", skip, scalars, Collections.newSetFromMap(new IdentityHashMap<>()));
    record Edit(int start, int end, String with) {}
    List<Edit> edits = new ArrayList<>();
    for (Scalar scalar : scalars) {
      Optional<Mark> start = scalar.node().getStartMark();
      Optional<Mark> end = scalar.node().getEndMark();
      if (start.isEmpty() || end.isEmpty()) {
        continue;
      }
      int from = text.offsetByCodePoints(0, start.get().getIndex());
      int to = text.offsetByCodePoints(0, end.get().getIndex());
      String original = text.substring(from, to);
      Optional<String> with = replacement.apply(scalar, original);
      if (with.isPresent()) {
        // a block scalar's span takes in the line breaks after it: they stay
        String trailing = original.substring(original.stripTrailing().length());
        edits.add(new Edit(from, to, with.get() + trailing));
      }
    }
    if (edits.isEmpty()) {
      return text;
    }
    edits.sort(Comparator.comparingInt(Edit::start).reversed());
    StringBuilder result = new StringBuilder(text);
    for (Edit edit : edits) {
      result.replace(edit.start(), edit.end(), edit.with());
    }
    return result.toString();
  }

  private static void collect(
      Node node,
      String path,
      String key,
      Predicate<String> skip,
      List<Scalar> found,
      Set<Node> seen) {
    if (!seen.add(node) || (!path.isEmpty() && skip.test(path))) {
      return;
    }
    switch (node) {
      case ScalarNode scalar -> found.add(new Scalar(path, key, scalar));
      case MappingNode mapping -> {
        for (NodeTuple tuple : mapping.getValue()) {
          if (tuple.getKeyNode() instanceof ScalarNode name) {
            String child = path.isEmpty() ? name.getValue() : path + "." + name.getValue();
            collect(tuple.getValueNode(), child, name.getValue(), skip, found, seen);
          }
        }
      }
      case SequenceNode sequence -> {
        List<Node> items = sequence.getValue();
        for (int i = 0; i < items.size(); i++) {
          collect(items.get(i), path + "[" + i + "]", "", skip, found, seen);
        }
      }
      default -> {
        // anchors resolve to one of the three above
      }
    }
  }

  /** {@code value} as a YAML double-quoted scalar. */
  static String doubleQuoted(String value) {
    StringBuilder quoted = new StringBuilder("\"");
    value
        .codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                  if (c < 0x20 || c == 0x7F) {
                    quoted.append(String.format("\\x%02X", c));
                  } else {
                    quoted.appendCodePoint(c);
                  }
                }
              }
            });
    return quoted.append('"').toString();
  }
}
