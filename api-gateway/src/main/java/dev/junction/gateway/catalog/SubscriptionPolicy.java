package dev.junction.gateway.catalog;

/**
 * How an API (or one operation) treats subscription keys ({@code policies.subscription}).
 *
 * @param required whether a key must be sent (401 {@code subscription-key-missing} without one);
 *     {@code null} leaves it to the products: required when a product that includes the API says
 *     {@code subscriptionRequired: true}
 * @param tokenRequired whether a key alone is refused: the call must also carry a valid token
 * @param waiveScopes whether a call with a key and no token skips the operation's scopes (the
 *     product grants access); by default such a call holds no scope, so operations that require
 *     scopes refuse it
 */
public record SubscriptionPolicy(Boolean required, boolean tokenRequired, boolean waiveScopes) {}
