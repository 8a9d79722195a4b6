package dev.junction.gateway.security;

import dev.junction.gateway.subscription.SubscriptionAuthentication;
import java.security.Principal;
import java.util.List;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Who is calling, as the token says. */
public final class Callers {

  private Callers() {}

  /** The OAuth2 client the token was issued to ({@code client_id}, else {@code azp}), or null. */
  public static String clientId(Principal principal) {
    if (principal instanceof JwtAuthenticationToken token) {
      for (String claim : List.of("client_id", "azp")) {
        String value = token.getToken().getClaimAsString(claim);
        if (value != null) {
          return value;
        }
      }
    }
    return null;
  }

  /**
   * Who calls, for keys that must never mix two callers: {@code client:<id>} for a token issued to
   * a client, else {@code sub:<subject>}, {@code subscription:<id>} for a subscription key without
   * a token, else {@code -}.
   */
  public static String key(Principal principal) {
    if (principal instanceof SubscriptionAuthentication subscription) {
      return "subscription:" + subscription.subscriptionId();
    }
    String client = clientId(principal);
    if (client != null) {
      return "client:" + client;
    }
    return principal == null ? "-" : "sub:" + principal.getName();
  }
}
