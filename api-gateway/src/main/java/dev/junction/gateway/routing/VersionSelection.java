package dev.junction.gateway.routing;

import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.ApiVersions;
import dev.junction.gateway.catalog.Versioning;
import dev.junction.gateway.problem.Problem;
import dev.junction.gateway.problem.ProblemException;
import dev.junction.gateway.problem.ProblemType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Which file of the catalog serves a call when several share its path: versions of a
 * header-versioned API ({@value ApiVersions#VERSION_HEADER}) and revisions of one version ({@value
 * ApiVersions#REVISION_HEADER}; the current revision without it). A pure function of the catalog
 * and the request's headers.
 */
final class VersionSelection {

  private final ApiVersions versions;

  VersionSelection(ApiVersions versions) {
    this.versions = versions;
  }

  /** Whether a call is for this file's version and revision (path and method aside). */
  Predicate<ServerWebExchange> selects(ApiDefinition api) {
    Predicate<ServerWebExchange> revision = revision(api);
    if (api.versioning().scheme() != Versioning.Scheme.HEADER) {
      return revision;
    }
    boolean isDefault =
        versions.defaultVersion(api.name()).filter(api.version()::equals).isPresent();
    return exchange -> {
      String asked = header(exchange, ApiVersions.VERSION_HEADER);
      boolean version = asked == null ? isDefault : asked.equals(api.version());
      return version && revision.test(exchange);
    };
  }

  /** Whether a call is for this file's revision: the one asked for, else the current one. */
  Predicate<ServerWebExchange> revision(ApiDefinition api) {
    boolean current = versions.isCurrent(api);
    int revision = api.versioning().revision();
    return exchange -> {
      String asked = header(exchange, ApiVersions.REVISION_HEADER);
      return asked == null ? current : revision(asked) == revision;
    };
  }

  /**
   * For each base path: a predicate matching the calls under it that ask for a version or revision
   * the API does not have (or for none when the API has no default), with the problem answered.
   */
  List<Selection> errors(List<ApiDefinition> apis) {
    Map<String, List<ApiDefinition>> byBasePath = new LinkedHashMap<>();
    apis.forEach(
        api ->
            byBasePath
                .computeIfAbsent(api.name() + " " + api.basePath(), k -> new ArrayList<>())
                .add(api));
    List<Selection> selections = new ArrayList<>();
    for (List<ApiDefinition> files : byBasePath.values()) {
      ApiDefinition first = files.getFirst();
      PathPattern under = PathPatternParser.defaultInstance.parse(first.basePath() + "/**");
      selections.add(
          new Selection(
              first.name(),
              first.basePath(),
              exchange ->
                  under.matches(exchange.getRequest().getPath().pathWithinApplication())
                      && problem(first, files, exchange).isPresent(),
              (exchange, chain) ->
                  Mono.error(new ProblemException(problem(first, files, exchange).orElseThrow()))));
    }
    return selections;
  }

  /**
   * A route answering a selection problem.
   *
   * @param api the API's name
   * @param basePath the base path it guards
   * @param matches the calls it answers
   * @param filter what it answers
   */
  record Selection(
      String api, String basePath, Predicate<ServerWebExchange> matches, GatewayFilter filter) {}

  private Optional<Problem> problem(
      ApiDefinition first, List<ApiDefinition> files, ServerWebExchange exchange) {
    String name = first.name();
    String version = first.version();
    if (first.versioning().scheme() == Versioning.Scheme.HEADER) {
      List<String> known = versions.versions(name);
      String asked = header(exchange, ApiVersions.VERSION_HEADER);
      Optional<String> fallback = versions.defaultVersion(name);
      if (asked == null && fallback.isEmpty()) {
        return Optional.of(
            ProblemType.API_VERSION_REQUIRED.with(
                "API %s is versioned by the %s header and has no default version; send one of %s"
                    .formatted(name, ApiVersions.VERSION_HEADER, String.join(", ", known))));
      }
      if (asked != null && !known.contains(asked)) {
        return Optional.of(
            ProblemType.API_VERSION_UNKNOWN.with(
                "API %s has no version '%s'; its versions are %s"
                    .formatted(name, asked, String.join(", ", known))));
      }
      version = asked == null ? fallback.get() : asked;
    }
    String asked = header(exchange, ApiVersions.REVISION_HEADER);
    String selected = version;
    if (asked != null
        && files.stream().anyMatch(api -> api.version().equals(selected))
        && !versions.revisions(name, version).contains(revision(asked))) {
      return Optional.of(
          ProblemType.API_REVISION_UNKNOWN.with(
              "API %s %s has no revision '%s'; its revisions are %s"
                  .formatted(
                      name,
                      version,
                      asked,
                      versions.revisions(name, version).stream()
                          .map(String::valueOf)
                          .collect(Collectors.joining(", ")))));
    }
    return Optional.empty();
  }

  private static String header(ServerWebExchange exchange, String name) {
    String value = exchange.getRequest().getHeaders().getFirst(name);
    return value == null ? null : value.trim();
  }

  /** A revision number, or -1 for text that is none. */
  private static int revision(String text) {
    return text.matches("\\d{1,7}") ? Integer.parseInt(text) : -1;
  }
}
