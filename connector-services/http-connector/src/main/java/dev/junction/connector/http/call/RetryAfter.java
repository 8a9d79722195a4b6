package dev.junction.connector.http.call;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads an HTTP {@code Retry-After} header (RFC 9110 10.2.3): delay-seconds or an HTTP-date. */
final class RetryAfter {

  private RetryAfter() {}

  /** The wait it asks for (zero for a date in the past), or {@code null} when absent or invalid. */
  static Duration parse(String value, Clock clock) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.trim();
    if (trimmed.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(trimmed));
      } catch (NumberFormatException tooLong) {
        return null;
      }
    }
    try {
      Duration wait =
          Duration.between(
              clock.instant(),
              ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
