package dev.junction.gateway.web;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The RFC 7240 {@code Prefer} header preferences the gateway honours.
 *
 * @param respondAsync {@code respond-async}: answer 202 at once, without waiting for the workflow
 * @param maxWait {@code wait=N}: wait at most N seconds; it can shorten the operation's timeout,
 *     never lengthen it
 */
public record Preferences(boolean respondAsync, Optional<Duration> maxWait) {

  public static final Preferences NONE = new Preferences(false, Optional.empty());

  /**
   * Parses every {@code Prefer} header value. Unknown preferences and malformed values are ignored,
   * as RFC 7240 asks of a server; preference names are case-insensitive; parameters after {@code ;}
   * are ignored.
   */
  public static Preferences parse(List<String> headerValues) {
    boolean respondAsync = false;
    Optional<Duration> wait = Optional.empty();
    if (headerValues == null) {
      return NONE;
    }
    for (String headerValue : headerValues) {
      for (String preference : headerValue.split(",")) {
        String token = preference.split(";", 2)[0].trim();
        int equals = token.indexOf('=');
        String name =
            (equals < 0 ? token : token.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
        String value = equals < 0 ? "" : unquote(token.substring(equals + 1).trim());
        if (name.equals("respond-async")) {
          respondAsync = true;
        } else if (name.equals("wait") && wait.isEmpty()) {
          wait = seconds(value);
        }
      }
    }
    return new Preferences(respondAsync, wait);
  }

  /** The deadline to wait for: the operation's timeout, or less if the client prefers. */
  public Duration effectiveTimeout(Duration operationTimeout) {
    return maxWait.filter(w -> w.compareTo(operationTimeout) < 0).orElse(operationTimeout);
  }

  private static Optional<Duration> seconds(String value) {
    if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1)
        : value;
  }
}
