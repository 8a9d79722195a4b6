package dev.junction.gateway.subscription;

import dev.junction.gateway.policy.Hashes;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Subscription keys: {@code jk_} followed by 43 base64url characters (256 random bits from {@link
 * SecureRandom}). With that much entropy a plain SHA-256 is a safe thing to store: no dictionary or
 * brute force can reverse it, so no slow hash (and no per-key salt) is needed, and a lookup by hash
 * costs one digest.
 */
public final class SubscriptionKeys {

  /** The fixed start of every key, which secret scanners can look for. */
  public static final String PREFIX = "jk_";

  private static final int KEY_BYTES = 32;
  private static final int SHOWN_CHARACTERS = PREFIX.length() + 4;
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private SubscriptionKeys() {}

  /** A new random key. */
  public static String generate() {
    byte[] bytes = new byte[KEY_BYTES];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A new random subscription id. */
  public static String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return "sub_" + HexFormat.of().formatHex(bytes);
  }

  /** What is stored of a key: its lowercase hex SHA-256. */
  public static String hash(String key) {
    return Hashes.sha256(key);
  }

  /** The key's first characters, shown to tell keys apart. */
  public static String shown(String key) {
    return key.substring(0, Math.min(key.length(), SHOWN_CHARACTERS));
  }

  /** Whether a value is shaped like a stored hash (for imports). */
  public static boolean isHash(String value) {
    return value != null && HASH.matcher(value).matches();
  }
}
