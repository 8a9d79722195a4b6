package dev.junction.standalone.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Keeps secrets out of an export: a literal value under a secret-looking key ({@code password},
 * {@code clientSecret}, {@code Authorization}, {@code X-API-Key}, {@code token}, ...) or a URL with
 * a password in it is written as a reference, {@code "${env:JUNCTION_SECRET_...}"}; an import puts
 * the value of that environment variable back. Values that are expressions or placeholders already
 * ({@code ${...}}) are no secrets of the file and stay as they are.
 */
final class SecretReferences {

  /** A reference as an export writes it and an import reads it: the whole scalar. */
  static final Pattern REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

  static final String PREFIX = "JUNCTION_SECRET_";

  private static final List<String> SECRET_ENDINGS =
      List.of("password", "passwd", "secret", "apikey", "token", "privatekey", "credentials");

  private SecretReferences() {}

  /**
   * A secret replaced by a reference.
   *
   * @param file the file, relative to the export folder
   * @param path where in the file
   * @param variable the environment variable an import reads it from
   */
  record Reference(String file, String path, String variable) {

    String placeholder() {
      return "${env:" + variable + "}";
    }
  }

  /** A file's text with its secrets replaced, and what was replaced. */
  record Redacted(String text, List<Reference> references) {}

  /** A file's text with its references resolved, and the variables that are not set. */
  record Resolved(String text, List<String> problems) {}

  /**
   * Replaces every secret of a YAML file by a reference.
   *
   * @param file the file, relative to the export folder, as it names the variables
   * @param served subtrees whose values the stack serves to its callers (mock responses, response
   *     mappings): no secrets by definition, left alone
   */
  static Redacted redact(String file, String text, Predicate<String> served) {
    List<Reference> references = new ArrayList<>();
    Set<String> variables = new HashSet<>();
    String redacted =
        YamlScalars.replace(
            text,
            served,
            (scalar, original) -> {
              String value = scalar.node().getValue();
              Tag tag = scalar.node().getTag();
              boolean literal =
                  !value.isBlank()
                      && !value.contains("${")
                      && !tag.equals(Tag.BOOL)
                      && !tag.equals(Tag.NULL);
              if (!literal || !(secretName(scalar.key()) || urlWithPassword(value))) {
                return Optional.empty();
              }
              String variable = variable(file, scalar.path());
              String unique = variable;
              for (int n = 2; !variables.add(unique); n++) {
                unique = variable + "_" + n;
              }
              Reference reference = new Reference(file, scalar.path(), unique);
              references.add(reference);
              return Optional.of(YamlScalars.doubleQuoted(reference.placeholder()));
            });
    return new Redacted(redacted, List.copyOf(references));
  }

  /**
   * Puts each referenced variable's value in place of its reference.
   *
   * @param file the file, for messages
   * @return the text, and one problem per variable that is not set
   */
  static Resolved resolve(String file, String text, Map<String, String> environment) {
    if (!text.contains("${env:")) {
      return new Resolved(text, List.of());
    }
    List<String> problems = new ArrayList<>();
    String resolved =
        YamlScalars.replace(
            text,
            path -> false,
            (scalar, original) -> {
              Matcher matcher = REFERENCE.matcher(scalar.node().getValue());
              if (!matcher.matches()) {
                return Optional.empty();
              }
              String value = environment.get(matcher.group(1));
              if (value == null) {
                problems.add(
                    "%s: %s: %s is not set; set the environment variable %s to the secret"
                        .formatted(file, scalar.path(), matcher.group(), matcher.group(1)));
                return Optional.empty();
              }
              return Optional.of(YamlScalars.doubleQuoted(value));
            });
    return new Resolved(resolved, List.copyOf(problems));
  }

  /** Whether a mapping key names a secret: {@code password}, {@code clientSecret}, ... */
  static boolean secretName(String key) {
    String name = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return name.equals("authorization") || SECRET_ENDINGS.stream().anyMatch(name::endsWith);
  }

  /** Whether a value is a URL that carries a password ({@code https://user:pass@host}). */
  static boolean urlWithPassword(String value) {
    if (!value.contains("://") || !value.contains("@")) {
      return false;
    }
    try {
      String userInfo = new URI(value.trim()).getRawUserInfo();
      return userInfo != null && userInfo.contains(":");
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@code workflows/create-order.yaml}, {@code steps[0].input.token} → its variable's name. */
  static String variable(String file, String path) {
    String stem = file.replaceFirst("\\.ya?ml$", "");
    return PREFIX
        + (stem + "_" + path)
            .toUpperCase(Locale.ROOT)
            .replaceAll("[^A-Z0-9]+", "_")
            .replaceAll("^_|_$", "");
  }
}
