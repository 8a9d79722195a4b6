package dev.junction.gateway.policy.cache;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code Cache-Control} directives the response cache honours (RFC 9111), parsed leniently:
 * unknown directives and malformed values are ignored.
 *
 * @param noStore {@code no-store}
 * @param noCache {@code no-cache}
 * @param isPrivate {@code private}
 * @param maxAge {@code max-age}
 * @param sharedMaxAge {@code s-maxage}, which a shared cache prefers to {@code max-age}
 */
record CacheControl(
    boolean noStore,
    boolean noCache,
    boolean isPrivate,
    Optional<Duration> maxAge,
    Optional<Duration> sharedMaxAge) {

  static CacheControl parse(List<String> headerValues) {
    boolean noStore = false;
    boolean noCache = false;
    boolean isPrivate = false;
    Optional<Duration> maxAge = Optional.empty();
    Optional<Duration> sharedMaxAge = Optional.empty();
    if (headerValues != null) {
      for (String value : headerValues) {
        for (String directive : value.split(",")) {
          String[] parts = directive.trim().split("=", 2);
          String name = parts[0].trim().toLowerCase(Locale.ROOT);
          Optional<Duration> seconds = parts.length == 2 ? seconds(parts[1]) : Optional.empty();
          switch (name) {
            case "no-store" -> noStore = true;
            case "no-cache" -> noCache = true;
            case "private" -> isPrivate = true;
            case "max-age" -> maxAge = seconds.or(() -> Optional.of(Duration.ZERO));
            case "s-maxage" -> sharedMaxAge = seconds.or(() -> Optional.of(Duration.ZERO));
            default -> {}
          }
        }
      }
    }
    return new CacheControl(noStore, noCache, isPrivate, maxAge, sharedMaxAge);
  }

  /** The freshness lifetime the response allows a shared cache, if it says. */
  Optional<Duration> lifetime() {
    return sharedMaxAge.or(() -> maxAge);
  }

  private static Optional<Duration> seconds(String value) {
    String digits = value.trim().replace("\"", "");
    if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofSeconds(Long.parseLong(digits)));
  }
}
