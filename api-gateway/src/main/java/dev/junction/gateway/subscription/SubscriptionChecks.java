package dev.junction.gateway.subscription;

import dev.junction.gateway.catalog.RateLimitKey;
import dev.junction.gateway.catalog.SubscriptionPolicy;
import dev.junction.gateway.policy.ratelimit.RateLimitGatewayFilterFactory;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import dev.junction.gateway.routing.ScopeCheckGatewayFilterFactory;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import reactor.core.publisher.Mono;

/**
 * The two route filters of subscription keys. {@link #check} runs before the scope check: a missing
 * key where one is required is 401 {@code subscription-key-missing}, an unknown key 401 {@code
 * subscription-key-invalid}, a suspended or pending subscription 403 {@code subscription-inactive},
 * a key whose product does not include the API 403 {@code subscription-not-allowed}. {@link
 * #limits} runs after it: the product's rate limit and quota, counted per subscription by the
 * rate-limit machinery (429 {@code rate-limited} with {@code Retry-After} and {@code RateLimit}
 * headers).
 */
public final class SubscriptionChecks {

  /** Exchange attribute holding the {@link Product} of the call's key, once checked. */
  static final String PRODUCT_ATTRIBUTE = "junction.subscription.product";

  private record Limits(Product product, GatewayFilter filter) {}

  private final SubscriptionStore store;
  private final ProductService products;
  private final RateLimitGatewayFilterFactory rateLimit;
  private final String header;
  private final Map<String, Limits> limits = new ConcurrentHashMap<>();

  public SubscriptionChecks(
      SubscriptionStore store,
      ProductService products,
      RateLimitGatewayFilterFactory rateLimit,
      String header) {
    this.store = store;
    this.products = products;
    this.rateLimit = rateLimit;
    this.header = header;
  }

  /** The key check of an operation of API {@code api} version {@code version}. */
  /** The header subscription keys are sent in. */
  public String header() {
    return header;
  }

  /** Whether a call without a subscription key is refused by {@link #check}. */
  public boolean keyNeeded(String api, String version, Optional<SubscriptionPolicy> policy) {
    Boolean required = policy.map(SubscriptionPolicy::required).orElse(null);
    return required != null ? required : products.current().requireKey(api, version);
  }

  public GatewayFilter check(String api, String version, Optional<SubscriptionPolicy> policy) {
    Boolean required = policy.map(SubscriptionPolicy::required).orElse(null);
    boolean tokenRequired = policy.map(SubscriptionPolicy::tokenRequired).orElse(false);
    boolean waiveScopes = policy.map(SubscriptionPolicy::waiveScopes).orElse(false);
    return (exchange, chain) -> {
      String key = exchange.getRequest().getHeaders().getFirst(header);
      if (key == null) {
        boolean needed = required != null ? required : products.current().requireKey(api, version);
        return needed
            ? Mono.error(
                new ProblemException(
                    ProblemType.SUBSCRIPTION_KEY_MISSING.with(
                        "send the key of a subscription to a product that includes %s %s in the %s header"
                            .formatted(api, version, header))))
            : chain.filter(exchange);
      }
      Subscription subscription = store.byKeyHash(SubscriptionKeys.hash(key)).orElse(null);
      if (subscription == null) {
        return Mono.error(
            new ProblemException(
                ProblemType.SUBSCRIPTION_KEY_INVALID.with(
                    "the key in the " + header + " header is unknown, or was regenerated")));
      }
      if (subscription.state() != Subscription.State.ACTIVE) {
        return Mono.error(
            new ProblemException(
                ProblemType.SUBSCRIPTION_INACTIVE.with(
                    "subscription %s is %s"
                        .formatted(
                            subscription.id(),
                            subscription.state() == Subscription.State.PENDING
                                ? "awaiting an operator's approval"
                                : "suspended"))));
      }
      Product product =
          products
              .current()
              .find(subscription.product())
              .filter(p -> p.includes(api, version))
              .orElse(null);
      if (product == null) {
        return Mono.error(
            new ProblemException(
                ProblemType.SUBSCRIPTION_NOT_ALLOWED.with(
                    "subscription %s is to product %s, which does not include %s %s"
                        .formatted(subscription.id(), subscription.product(), api, version))));
      }
      exchange.getAttributes().put(RateLimitKey.SUBSCRIPTION_ATTRIBUTE, subscription.id());
      exchange.getAttributes().put(PRODUCT_ATTRIBUTE, product);
      return exchange
          .getPrincipal()
          .map(principal -> principal instanceof SubscriptionAuthentication)
          .defaultIfEmpty(false)
          .flatMap(
              keyOnly -> {
                if (keyOnly && tokenRequired) {
                  return Mono.error(
                      new ProblemException(
                          ProblemType.UNAUTHORIZED.with(
                              "%s %s needs a bearer token as well as the subscription key"
                                  .formatted(api, version))));
                }
                if (keyOnly && waiveScopes) {
                  exchange
                      .getAttributes()
                      .put(ScopeCheckGatewayFilterFactory.SCOPES_WAIVED_ATTRIBUTE, true);
                }
                return chain.filter(exchange);
              });
    };
  }

  private boolean productsRequireKey(
      AtomicReference<Map.Entry<Products, Boolean>> known, String api, String version) {
    Products current = products.current();
    Map.Entry<Products, Boolean> entry = known.get();
    if (entry == null || entry.getKey() != current) {
      entry = Map.entry(current, current.requireKey(api, version));
      known.set(entry);
    }
    return entry.getValue();
  }

  /** The rate limit and quota of the product of the call's key, if it carries one. */
  public GatewayFilter limits() {
    return (exchange, chain) -> {
      Product product = exchange.getAttribute(PRODUCT_ATTRIBUTE);
      if (product == null || product.limits().isEmpty()) {
        return chain.filter(exchange);
      }
      return limitsOf(product).filter(exchange, chain);
    };
  }

  /** The product's limit filter, built again only when the product's file changed. */
  private GatewayFilter limitsOf(Product product) {
    return limits
        .compute(
            product.name(),
            (name, known) ->
                known != null && known.product().equals(product)
                    ? known
                    : new Limits(
                        product,
                        rateLimit.apply(
                            new RateLimitGatewayFilterFactory.Config(product.limits()))))
        .filter();
  }
}
