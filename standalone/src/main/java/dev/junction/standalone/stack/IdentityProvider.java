package dev.junction.standalone.stack;

import java.util.Locale;

/** Who issues the stack's tokens ({@code bin/junction up --processes --idp dev|keycloak}). */
public enum IdentityProvider {
  /** Junction's dev issuer (Spring Authorization Server): the sample client, a key on disk. */
  DEV,
  /**
   * Keycloak with the realm of {@code deploy/keycloak/junction-realm.json}, the one the compose
   * stack imports.
   */
  KEYCLOAK;

  /** The realm Keycloak serves the stack's clients from. */
  public static final String KEYCLOAK_REALM = "junction";

  /** {@code dev} or {@code keycloak}. */
  public static IdentityProvider parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--idp must be dev or keycloak, not '" + name + "'", e);
    }
  }

  /** As {@code --idp} names it. */
  public String option() {
    return name().toLowerCase(Locale.ROOT);
  }
}
