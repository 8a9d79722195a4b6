package dev.junction.gateway.catalog;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a rate limit counts by.
 *
 * @param kind the kind of key
 * @param header the header name, for {@link Kind#HEADER}
 */
public record RateLimitKey(Kind kind, String header) {

  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

  /** The kinds of key. */
  public enum Kind {
    /** The OAuth2 client of the token ({@code client_id}, else {@code azp}). */
    CLIENT,
    /** The token's subject ({@code sub}). */
    SUBJECT,
    /** The caller's IP address (the connection's remote address). */
    IP,
    /** A request header's value, e.g. a subscription key. */
    HEADER,
    /** The subscription of the call's subscription key (calls without one share one bucket). */
    SUBSCRIPTION
  }

  /**
   * Exchange attribute holding the id of the subscription whose key the call carries, set by the
   * subscription check before any rate limit runs.
   */
  public static final String SUBSCRIPTION_ATTRIBUTE = "junction.subscription.id";

  /**
   * Parses {@code client}, {@code subject}, {@code ip}, {@code subscription} or {@code
   * header:NAME}.
   */
  public static Optional<RateLimitKey> parse(String value) {
    if (value.startsWith("header:")) {
      String name = value.substring("header:".length());
      return HEADER_NAME.matcher(name).matches()
          ? Optional.of(new RateLimitKey(Kind.HEADER, name))
          : Optional.empty();
    }
    return switch (value) {
      case "client", "subject", "ip", "subscription" ->
          Optional.of(new RateLimitKey(Kind.valueOf(value.toUpperCase(Locale.ROOT)), null));
      default -> Optional.empty();
    };
  }

  @Override
  public String toString() {
    return kind == Kind.HEADER ? "header:" + header : kind.name().toLowerCase(Locale.ROOT);
  }
}
