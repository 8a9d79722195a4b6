package dev.junction.gateway.subscription;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A caller known by a subscription key alone, without a token. It holds no scope and no authority:
 * what it may call is decided per route, by the subscription's product.
 */
public final class SubscriptionAuthentication extends AbstractAuthenticationToken {

  private final String subscriptionId;

  public SubscriptionAuthentication(String subscriptionId) {
    super(List.of());
    this.subscriptionId = subscriptionId;
    setAuthenticated(true);
  }

  public String subscriptionId() {
    return subscriptionId;
  }

  @Override
  public Object getCredentials() {
    // the key itself is never kept
    return "";
  }

  @Override
  public Object getPrincipal() {
    return subscriptionId;
  }

  @Override
  public String getName() {
    return subscriptionId;
  }
}
