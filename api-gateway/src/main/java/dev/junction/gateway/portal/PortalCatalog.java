package dev.junction.gateway.portal;

import dev.junction.gateway.catalog.ApiCatalog;
import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.RateLimitKey;
import dev.junction.gateway.catalog.RateLimitPolicy;
import dev.junction.gateway.openapi.OpenApiExporter;
import java.util.List;
import java.util.Locale;

/**
 * What the developer portal shows of the catalog ({@code GET /portal/api/catalog}): a pure view of
 * {@link ApiCatalog}, without schemas (the API page reads them from the OpenAPI export).
 */
public final class PortalCatalog {

  private PortalCatalog() {}

  /** Status of an API version in the portal. */
  public enum Status {
    CURRENT,
    DEPRECATED
  }

  /**
   * One API version.
   *
   * @param openapi path of its OpenAPI document on the gateway
   */
  public record Api(
      String name,
      String version,
      String title,
      String description,
      List<String> tags,
      Status status,
      String basePath,
      String openapi,
      List<Op> operations) {}

  /**
   * One operation.
   *
   * @param kind {@code workflow}, {@code http} (pass-through) or {@code mock}
   * @param scopes the scopes a token must all hold
   * @param rateLimits the limits a call must pass, API-wide first
   */
  public record Op(
      String id,
      String method,
      String path,
      String summary,
      String kind,
      List<String> scopes,
      List<Limit> rateLimits) {}

  /**
   * One rate limit.
   *
   * @param window the window in seconds
   * @param key what the calls are counted by: {@code client}, {@code subject}, {@code ip} or {@code
   *     header:NAME}
   */
  public record Limit(String name, long limit, long window, String key) {}

  /** Every API version of the catalog, in catalog order (name, then version). */
  public static List<Api> describe(ApiCatalog catalog) {
    return catalog.apis().stream().map(PortalCatalog::api).toList();
  }

  private static Api api(ApiDefinition api) {
    return new Api(
        api.name(),
        api.version(),
        api.title() == null ? api.name() : api.title(),
        api.description() == null ? "" : api.description(),
        api.tags(),
        api.deprecated() ? Status.DEPRECATED : Status.CURRENT,
        api.basePath(),
        OpenApiExporter.path(api),
        api.operations().stream().map(PortalCatalog::operation).toList());
  }

  private static Op operation(Operation operation) {
    String kind =
        switch (operation.backend()) {
          case Backend.Workflow w -> "workflow";
          case Backend.Http h -> "http";
          case Backend.Mock m -> "mock";
        };
    return new Op(
        operation.id(),
        operation.method().name(),
        operation.path(),
        operation.summary() == null ? "" : operation.summary(),
        kind,
        operation.scopes(),
        operation.rateLimits().stream().map(PortalCatalog::limit).toList());
  }

  private static Limit limit(RateLimitPolicy policy) {
    RateLimitKey key = policy.key();
    String keyName =
        key.kind() == RateLimitKey.Kind.HEADER
            ? "header:" + key.header()
            : key.kind().name().toLowerCase(Locale.ROOT);
    return new Limit(policy.name(), policy.limit(), policy.window().toSeconds(), keyName);
  }
}
