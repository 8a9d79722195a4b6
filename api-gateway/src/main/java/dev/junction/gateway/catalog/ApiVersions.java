package dev.junction.gateway.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The versions and revisions of the catalog's APIs: which version a call without {@value
 * #VERSION_HEADER} gets, which revision of each version is current, what a client may ask for.
 */
public final class ApiVersions {

  /** Request header picking the version of an API with {@code versionScheme: header}. */
  public static final String VERSION_HEADER = "Api-Version";

  /** Request header picking a revision other than the current one (for testing it). */
  public static final String REVISION_HEADER = "Api-Revision";

  private final Map<String, List<ApiDefinition>> byName = new LinkedHashMap<>();
  private final Set<String> currentSources = new HashSet<>();

  private ApiVersions(Collection<ApiDefinition> apis) {
    for (ApiDefinition api : apis) {
      byName.computeIfAbsent(api.name(), n -> new ArrayList<>()).add(api);
    }
    Map<String, List<ApiDefinition>> byVersion = new LinkedHashMap<>();
    apis.forEach(api -> byVersion.computeIfAbsent(api.id(), v -> new ArrayList<>()).add(api));
    for (List<ApiDefinition> revisions : byVersion.values()) {
      ApiDefinition current =
          revisions.stream()
              .filter(api -> Boolean.TRUE.equals(api.versioning().current()))
              .findFirst()
              .orElseGet(
                  () ->
                      revisions.stream()
                          .filter(api -> !Boolean.FALSE.equals(api.versioning().current()))
                          .max(Comparator.comparingInt(api -> api.versioning().revision()))
                          .orElse(null));
      if (current != null) {
        currentSources.add(current.source());
      }
    }
  }

  public static ApiVersions of(Collection<ApiDefinition> apis) {
    return new ApiVersions(apis);
  }

  /**
   * Whether {@code api} is the revision of its version that calls without {@value #REVISION_HEADER}
   * get: the one marked {@code current: true}, else the highest revision not marked {@code current:
   * false}.
   */
  public boolean isCurrent(ApiDefinition api) {
    return currentSources.contains(api.source());
  }

  /** The versions of an API, sorted. */
  public List<String> versions(String name) {
    return byName.getOrDefault(name, List.of()).stream()
        .map(ApiDefinition::version)
        .collect(java.util.stream.Collectors.toCollection(TreeSet::new))
        .stream()
        .toList();
  }

  /** The revisions of one API version, ascending. */
  public List<Integer> revisions(String name, String version) {
    return byName.getOrDefault(name, List.of()).stream()
        .filter(api -> api.version().equals(version))
        .map(api -> api.versioning().revision())
        .sorted()
        .toList();
  }

  /** The version a call without {@value #VERSION_HEADER} gets, if the API declares one. */
  public Optional<String> defaultVersion(String name) {
    return byName.getOrDefault(name, List.of()).stream()
        .map(api -> api.versioning().defaultVersion())
        .filter(Objects::nonNull)
        .findFirst();
  }

  /** The API versions of the catalog that are current revisions. */
  public List<ApiDefinition> current() {
    return byName.values().stream().flatMap(List::stream).filter(this::isCurrent).toList();
  }

  /**
   * Whether two files may serve the same method and path: revisions of one version, or versions of
   * one header-versioned API (a header then tells them apart).
   */
  static boolean mayShareRoutes(ApiDefinition a, ApiDefinition b) {
    if (!a.name().equals(b.name())) {
      return false;
    }
    if (a.version().equals(b.version())) {
      return a.versioning().revision() != b.versioning().revision();
    }
    return a.versioning().scheme() == Versioning.Scheme.HEADER
        && b.versioning().scheme() == Versioning.Scheme.HEADER;
  }

  /** What single files cannot check: the files of one API agree on how it is versioned. */
  static List<String> problems(Collection<ApiDefinition> apis) {
    List<String> problems = new ArrayList<>();
    Map<String, List<ApiDefinition>> byName = new LinkedHashMap<>();
    apis.stream()
        .sorted(Comparator.comparing(ApiDefinition::source))
        .forEach(api -> byName.computeIfAbsent(api.name(), n -> new ArrayList<>()).add(api));
    for (Map.Entry<String, List<ApiDefinition>> entry : byName.entrySet()) {
      String name = entry.getKey();
      List<ApiDefinition> files = entry.getValue();
      ApiDefinition first = files.getFirst();
      Set<String> versions = new TreeSet<>();
      files.forEach(api -> versions.add(api.version()));
      for (ApiDefinition api : files) {
        if (api.versioning().scheme() != first.versioning().scheme()) {
          problems.add(
              "API %s: versionScheme is %s in %s but %s in %s; all its versions must use one"
                  .formatted(name, scheme(first), first.source(), scheme(api), api.source()));
        }
        String declared = api.versioning().defaultVersion();
        if (declared != null && !versions.contains(declared)) {
          problems.add(
              "API %s: defaultVersion %s in %s is not one of its versions %s"
                  .formatted(name, declared, api.source(), versions));
        }
      }
      Set<String> defaults = new TreeSet<>();
      files.stream()
          .map(api -> api.versioning().defaultVersion())
          .filter(Objects::nonNull)
          .forEach(defaults::add);
      if (defaults.size() > 1) {
        problems.add(
            "API %s: its files declare different defaultVersion values %s"
                .formatted(name, defaults));
      }
      Map<String, Boolean> anyCurrent = new LinkedHashMap<>();
      files.forEach(
          api ->
              anyCurrent.merge(
                  api.version(),
                  !Boolean.FALSE.equals(api.versioning().current()),
                  Boolean::logicalOr));
      anyCurrent.forEach(
          (version, some) -> {
            if (!some) {
              problems.add(
                  "API %s %s: every revision is marked current: false; one must serve the calls"
                      .formatted(name, version));
            }
          });
      Map<String, List<String>> declaredCurrent = new LinkedHashMap<>();
      files.stream()
          .filter(api -> Boolean.TRUE.equals(api.versioning().current()))
          .forEach(
              api ->
                  declaredCurrent
                      .computeIfAbsent(api.version(), v -> new ArrayList<>())
                      .add(api.source()));
      declaredCurrent.forEach(
          (version, sources) -> {
            if (sources.size() > 1) {
              problems.add(
                  "API %s %s: more than one revision is marked current: true (%s)"
                      .formatted(name, version, String.join(", ", sources)));
            }
          });
    }
    return problems;
  }

  private static String scheme(ApiDefinition api) {
    return api.versioning().scheme().name().toLowerCase(java.util.Locale.ROOT);
  }
}
