package dev.junction.gateway.policy.jwt;

import dev.junction.gateway.catalog.JwtPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A claim a token must carry: present, and when values are given, equal to one of them (or, for a
 * list claim such as {@code groups}, holding one of them). Values compare as text, so {@code true}
 * matches the JSON boolean and {@code 3} the number.
 *
 * @param name the claim
 * @param values accepted values; empty means any value
 */
public record RequiredClaim(String name, List<String> values) {

  public RequiredClaim {
    values = values.equals(List.of(JwtPolicy.ANY_VALUE)) ? List.of() : List.copyOf(values);
  }

  /** The claims of a configuration map (name to values). */
  public static List<RequiredClaim> of(Map<String, List<String>> claims) {
    List<RequiredClaim> required = new ArrayList<>();
    claims.forEach((name, values) -> required.add(new RequiredClaim(name, values)));
    return List.copyOf(required);
  }

  /** Why the token fails this requirement, or {@code null} when it meets it. */
  public String violation(Jwt jwt) {
    Object value = jwt.getClaims().get(name);
    if (value == null) {
      return "the token has no " + name + " claim";
    }
    if (values.isEmpty()) {
      return null;
    }
    Collection<?> candidates = value instanceof Collection<?> list ? list : List.of(value);
    for (Object candidate : candidates) {
      if (candidate != null && values.contains(candidate.toString())) {
        return null;
      }
    }
    return "the token's " + name + " claim is not one of the accepted values";
  }
}
