package dev.junction.gateway.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Which tokens an API or operation accepts ({@code policies.jwt}), on top of what each trusted
 * issuer requires ({@code junction.gateway.jwt.issuers.*}).
 *
 * @param issuers names of the trusted issuers; empty means the gateway's default issuers
 * @param audiences one of these must be in {@code aud}; empty means each issuer's own audiences
 * @param requiredClaims claims the token must carry: name to accepted values (any one of them), an
 *     empty list meaning "present, with any value"; added to each issuer's required claims
 */
public record JwtPolicy(
    List<String> issuers, List<String> audiences, Map<String, List<String>> requiredClaims) {

  /** The gateway's defaults: nothing set here. */
  public static final JwtPolicy DEFAULTS = new JwtPolicy(List.of(), List.of(), Map.of());

  /** Value of a required claim that only asks for the claim to be present. */
  public static final String ANY_VALUE = "*";

  static final Set<String> KEYS = Set.of("issuers", "audiences", "requiredClaims");

  private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_.:/-]{1,64}");
  private static final Pattern ISSUER = Pattern.compile("[A-Za-z0-9._-]+");

  public JwtPolicy {
    issuers = List.copyOf(issuers);
    audiences = List.copyOf(audiences);
    Map<String, List<String>> claims = new LinkedHashMap<>();
    requiredClaims.forEach((name, values) -> claims.put(name, List.copyOf(values)));
    requiredClaims = Collections.unmodifiableMap(claims);
  }

  /**
   * This policy with {@code own} on top: the issuers and audiences {@code own} sets replace these;
   * its required claims are added (a claim named in both takes {@code own}'s values).
   */
  public JwtPolicy with(JwtPolicy own) {
    Map<String, List<String>> claims = new LinkedHashMap<>(requiredClaims);
    claims.putAll(own.requiredClaims);
    return new JwtPolicy(
        own.issuers.isEmpty() ? issuers : own.issuers,
        own.audiences.isEmpty() ? audiences : own.audiences,
        claims);
  }

  /**
   * Reads a {@code policies.jwt} mapping.
   *
   * @param node the mapping
   * @param where its path in the file, for messages
   * @param knownIssuers the issuer names the gateway is configured with; {@code null} when unknown
   *     (names are then not checked)
   * @param problems where every mistake is added, named by its path
   * @return the policy, or {@code null} when the mapping has mistakes
   */
  static JwtPolicy read(
      JsonNode node, String where, Set<String> knownIssuers, List<String> problems) {
    if (node == null || !node.isObject()) {
      problems.add(where + ": must be a mapping (" + String.join(", ", new TreeSet<>(KEYS)) + ")");
      return null;
    }
    int before = problems.size();
    for (String key : node.propertyNames()) {
      if (!KEYS.contains(key)) {
        problems.add(
            where
                + "."
                + key
                + ": unknown key (expected one of "
                + String.join(", ", new TreeSet<>(KEYS))
                + ")");
      }
    }
    List<String> issuers = texts(node.get("issuers"), where + ".issuers", problems);
    for (int i = 0; i < issuers.size(); i++) {
      String name = issuers.get(i);
      if (!ISSUER.matcher(name).matches()) {
        problems.add("%s.issuers[%d]: '%s' is not an issuer name".formatted(where, i, name));
      } else if (knownIssuers != null && !knownIssuers.contains(name)) {
        problems.add(
            "%s.issuers[%d]: no issuer '%s' is configured (junction.gateway.jwt.issuers: %s)"
                .formatted(where, i, name, new TreeSet<>(knownIssuers)));
      }
    }
    List<String> audiences = texts(node.get("audiences"), where + ".audiences", problems);
    Map<String, List<String>> claims = new LinkedHashMap<>();
    JsonNode required = node.get("requiredClaims");
    if (required != null && !required.isObject()) {
      problems.add(where + ".requiredClaims: must be a mapping of claim names to values");
    } else if (required != null) {
      for (String claim : required.propertyNames()) {
        String at = where + ".requiredClaims." + claim;
        if (!CLAIM.matcher(claim).matches()) {
          problems.add(at + ": is not a claim name");
          continue;
        }
        JsonNode value = required.get(claim);
        List<String> values =
            value.isArray() ? texts(value, at, problems) : texts(scalar(value), at, problems);
        claims.put(claim, values.equals(List.of(ANY_VALUE)) ? List.of() : values);
      }
    }
    return problems.size() > before ? null : new JwtPolicy(issuers, audiences, claims);
  }

  private static JsonNode scalar(JsonNode value) {
    return JsonNodeFactory.instance.arrayNode().add(value);
  }

  /** A non-empty list of text values (numbers and booleans as written). */
  private static List<String> texts(JsonNode list, String where, List<String> problems) {
    if (list == null || list.isNull()) {
      return List.of();
    }
    if (!list.isArray() || list.isEmpty()) {
      problems.add(where + ": must be a non-empty list");
      return List.of();
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode value = list.get(i);
      if (!value.isValueNode() || value.isNull() || value.asString().isBlank()) {
        problems.add("%s[%d]: must be a text value".formatted(where, i));
      } else {
        values.add(value.asString().trim());
      }
    }
    return values;
  }
}
