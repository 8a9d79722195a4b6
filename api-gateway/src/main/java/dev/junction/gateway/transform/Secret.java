package dev.junction.gateway.transform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A named value's content. Its {@link #toString()} never shows it, so a policy printed in a log or
 * a message shows {@code {{name}}}, never the value.
 *
 * @param name the named value's name
 * @param value its content
 */
public record Secret(String name, String value) {

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret secret
        && name.equals(secret.name)
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return "{{" + name + "}}";
  }
}
