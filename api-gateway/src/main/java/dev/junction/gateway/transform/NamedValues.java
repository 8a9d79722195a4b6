package dev.junction.gateway.transform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Resolves the named values the catalog refers to ({@link NamedValuesProperties}). Values are read
 * when a catalog file is loaded, so a missing variable or an unreadable file is a validation error
 * of that file, before anything is applied. Error messages name the value and its source, never its
 * content.
 */
public final class NamedValues {

  /** Names a catalog may refer to: not {@code request} or {@code response}, which templates use. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  /** No named value defined. */
  public static final NamedValues NONE = new NamedValues(Map.of(), System::getenv);

  private final Map<String, NamedValuesProperties.Source> sources;
  private final Function<String, String> environment;

  /**
   * @param sources the configured values by name
   * @param environment reads an environment variable ({@code System::getenv})
   */
  public NamedValues(
      Map<String, NamedValuesProperties.Source> sources, Function<String, String> environment) {
    this.sources = new TreeMap<>(sources);
    this.environment = environment;
  }

  /** The outcome of resolving one name: a value, or why there is none. */
  public sealed interface Resolution {
    record Found(Secret secret) implements Resolution {}

    record Missing(String reason) implements Resolution {}
  }

  /** Checks the configuration itself: each value has exactly one source and a valid name. */
  public List<String> configurationProblems() {
    return sources.entrySet().stream()
        .flatMap(
            entry -> {
              String name = entry.getKey();
              NamedValuesProperties.Source source = entry.getValue();
              long kinds =
                  java.util.stream.Stream.of(source.env(), source.file(), source.value())
                      .filter(Objects::nonNull)
                      .count();
              if (!NAME.matcher(name).matches() || reserved(name)) {
                return java.util.stream.Stream.of(
                    "junction.gateway.named-values."
                        + name
                        + ": a name is letters, digits, '_' and '-', not request or response");
              }
              if (kinds != 1) {
                return java.util.stream.Stream.of(
                    "junction.gateway.named-values."
                        + name
                        + ": needs exactly one of env, file and value");
              }
              return java.util.stream.Stream.empty();
            })
        .toList();
  }

  /** Whether {@code name} is one of the roots templates use for the call itself. */
  public static boolean reserved(String name) {
    return name.equals("request") || name.equals("response");
  }

  /** The value of {@code name}, read now. */
  public Resolution resolve(String name) {
    NamedValuesProperties.Source source = sources.get(name);
    if (source == null) {
      return new Resolution.Missing(
          "named value '" + name + "' is not defined (junction.gateway.named-values." + name + ")");
    }
    if (source.value() != null) {
      return new Resolution.Found(new Secret(name, source.value()));
    }
    if (source.env() != null) {
      String value = environment.apply(source.env());
      return value == null
          ? new Resolution.Missing(
              "named value '" + name + "': environment variable " + source.env() + " is not set")
          : new Resolution.Found(new Secret(name, value));
    }
    if (source.file() != null) {
      try {
        String value = Files.readString(source.file(), StandardCharsets.UTF_8);
        return new Resolution.Found(new Secret(name, stripLineBreak(value)));
      } catch (IOException e) {
        return new Resolution.Missing(
            "named value '"
                + name
                + "': file "
                + source.file()
                + " cannot be read ("
                + e.getClass().getSimpleName()
                + ")");
      }
    }
    return new Resolution.Missing(
        "named value '" + name + "' needs one of env, file and value in its configuration");
  }

  /** Files values are read from: the catalog is reloaded when one of them changes. */
  public List<Path> files() {
    return sources.values().stream()
        .map(NamedValuesProperties.Source::file)
        .filter(Objects::nonNull)
        .toList();
  }

  private static String stripLineBreak(String value) {
    if (value.endsWith("\r\n")) {
      return value.substring(0, value.length() - 2);
    }
    return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
  }
}
