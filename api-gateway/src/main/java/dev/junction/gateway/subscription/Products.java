package dev.junction.gateway.subscription;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The products at one moment; immutable, replaced as a whole on reload. */
public record Products(List<Product> all) {

  public Products {
    all = all.stream().sorted(Comparator.comparing(Product::name)).toList();
  }

  public static Products empty() {
    return new Products(List.of());
  }

  public Optional<Product> find(String name) {
    return all.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * Whether a call to the API must carry a key when the API does not say: some product that
   * includes it requires subscriptions.
   */
  public boolean requireKey(String api, String version) {
    return all.stream().anyMatch(p -> p.subscriptionRequired() && p.includes(api, version));
  }
}
