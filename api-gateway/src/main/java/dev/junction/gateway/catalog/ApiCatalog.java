package dev.junction.gateway.catalog;

import java.util.Comparator;
import java.util.List;

/** The APIs the gateway serves at one moment; immutable, replaced as a whole on reload. */
public record ApiCatalog(List<ApiDefinition> apis) {

  public ApiCatalog {
    apis =
        apis.stream()
            .sorted(Comparator.comparing(ApiDefinition::name).thenComparing(ApiDefinition::version))
            .toList();
  }

  public static ApiCatalog empty() {
    return new ApiCatalog(List.of());
  }

  /** Every operation of every API. */
  public List<Operation> operations() {
    return apis.stream().flatMap(api -> api.operations().stream()).toList();
  }
}
