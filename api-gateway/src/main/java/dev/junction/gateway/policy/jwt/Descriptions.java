package dev.junction.gateway.policy.jwt;

import java.util.regex.Pattern;

/** Text from a token, made fit for a problem's detail and an RFC 6750 error_description. */
final class Descriptions {

  private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9+._:-]");
  private static final int MAX = 32;

  private Descriptions() {}

  /** {@code value} without characters a header may not carry, cut to a short length. */
  static String safe(String value) {
    if (value == null) {
      return "(none)";
    }
    String cleaned = UNSAFE.matcher(value).replaceAll("?");
    return cleaned.length() > MAX ? cleaned.substring(0, MAX) + "..." : cleaned;
  }
}
