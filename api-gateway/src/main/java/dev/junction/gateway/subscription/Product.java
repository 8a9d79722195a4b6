package dev.junction.gateway.subscription;

import dev.junction.gateway.catalog.RateLimitPolicy;
import java.util.List;

/**
 * An API product ({@code products/<name>.yaml}): a set of APIs that consumers subscribe to
 * together, with the limits every subscription gets.
 *
 * @param name product name, {@code [a-z0-9-]+}, the file's subject
 * @param title human-readable name
 * @param description what the product offers
 * @param apis the API versions it grants
 * @param approvalRequired whether a new subscription waits for an operator ({@code PENDING}) before
 *     its key works
 * @param subscriptionRequired whether the product's APIs refuse calls without a key (unless an
 *     API's own {@code policies.subscription.required} says otherwise)
 * @param limits rate limit and quota of each subscription (key {@code subscription}), in order
 * @param source the file, relative to the products folder, for messages
 */
public record Product(
    String name,
    String title,
    String description,
    List<ApiRef> apis,
    boolean approvalRequired,
    boolean subscriptionRequired,
    List<RateLimitPolicy> limits,
    String source) {

  public Product {
    apis = List.copyOf(apis);
    limits = List.copyOf(limits);
  }

  /** Whether the product grants API {@code api} version {@code version}. */
  public boolean includes(String api, String version) {
    return apis.stream().anyMatch(ref -> ref.matches(api, version));
  }

  /**
   * An API of a product.
   *
   * @param name the API's catalog name
   * @param version one version, or {@code null} for every version
   */
  public record ApiRef(String name, String version) {

    boolean matches(String api, String apiVersion) {
      return name.equals(api) && (version == null || version.equals(apiVersion));
    }
  }
}
