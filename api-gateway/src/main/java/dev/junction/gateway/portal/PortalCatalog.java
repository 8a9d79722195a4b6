package dev.junction.gateway.portal;

import dev.junction.gateway.catalog.ApiCatalog;
import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.ApiVersions;
import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.RateLimitKey;
import dev.junction.gateway.catalog.RateLimitPolicy;
import dev.junction.gateway.catalog.Versioning;
import dev.junction.gateway.openapi.OpenApiExporter;
import java.util.Comparator;
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
   * @param versioning how the version is selected, its current revision and change log
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
      List<Op> operations,
      Versions versioning) {}

  /**
   * How an API version is reached and what changed in it.
   *
   * @param scheme {@code path} or {@code header} (then {@code Api-Version: <version>})
   * @param isDefault whether calls without {@code Api-Version} get this version (header scheme)
   * @param revision the current revision
   * @param revisions every revision of the version; others than the current one are reached with
   *     {@code Api-Revision: <n>}
   * @param changeLog the current revision's change log, newest first
   */
  public record Versions(
      String scheme,
      boolean isDefault,
      int revision,
      List<Integer> revisions,
      List<Change> changeLog) {}

  /** One change log entry. */
  public record Change(int revision, String date, String description) {}

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

  /**
   * Every API version of the catalog (its current revision), in catalog order (name, then version).
   */
  public static List<Api> describe(ApiCatalog catalog) {
    ApiVersions versions = ApiVersions.of(catalog.apis());
    return catalog.apis().stream()
        .filter(versions::isCurrent)
        .map(api -> api(api, versions))
        .toList();
  }

  private static Versions versions(ApiDefinition api, ApiVersions versions) {
    Versioning versioning = api.versioning();
    return new Versions(
        versioning.scheme().name().toLowerCase(Locale.ROOT),
        versions.defaultVersion(api.name()).filter(api.version()::equals).isPresent(),
        versioning.revision(),
        versions.revisions(api.name(), api.version()),
        versioning.changeLog().stream()
            .sorted(
                Comparator.comparing(Versioning.ChangeLogEntry::date)
                    .thenComparing(Versioning.ChangeLogEntry::revision)
                    .reversed())
            .map(e -> new Change(e.revision(), e.date().toString(), e.description()))
            .toList());
  }

  private static Api api(ApiDefinition api, ApiVersions versions) {
    return new Api(
        api.name(),
        api.version(),
        api.title() == null ? api.name() : api.title(),
        api.description() == null ? "" : api.description(),
        api.tags(),
        api.deprecated() ? Status.DEPRECATED : Status.CURRENT,
        api.basePath(),
        OpenApiExporter.path(api),
        api.operations().stream().map(PortalCatalog::operation).toList(),
        versions(api, versions));
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
