package dev.junction.gateway.catalog;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;

/**
 * One API version of the catalog (one YAML file), validated.
 *
 * @param name catalog name, {@code [a-z0-9-]+}
 * @param version version, e.g. {@code v1}
 * @param title human-readable name
 * @param description what the API is for
 * @param basePath path prefix of every operation
 * @param operations the operations, in file order
 * @param source the file, relative to the catalog folder, for messages
 * @param cors cross-origin calls allowed from browsers, or {@code null} for none
 * @param methods the only methods served (others get 405), or {@code null} for every method of the
 *     operations
 * @param openapi the OpenAPI document the API was imported from (absolute), whose schemas and
 *     examples the exported document reuses; {@code null} when there is none
 * @param tags free-form labels the developer portal lists and filters by
 * @param deprecated whether consumers should move to another version (the portal shows it)
 * @param versioning how the version is selected, the file's revision and change log
 */
public record ApiDefinition(
    String name,
    String version,
    String title,
    String description,
    String basePath,
    List<Operation> operations,
    String source,
    CorsPolicy cors,
    Set<HttpMethod> methods,
    Path openapi,
    List<String> tags,
    boolean deprecated,
    Versioning versioning) {

  public ApiDefinition {
    versioning = versioning == null ? Versioning.DEFAULT : versioning;
    operations = List.copyOf(operations);
    methods = methods == null ? null : Set.copyOf(methods);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** A path-versioned API version, its only revision, without change log. */
  public ApiDefinition(
      String name,
      String version,
      String title,
      String description,
      String basePath,
      List<Operation> operations,
      String source,
      CorsPolicy cors,
      Set<HttpMethod> methods,
      Path openapi,
      List<String> tags,
      boolean deprecated) {
    this(
        name,
        version,
        title,
        description,
        basePath,
        operations,
        source,
        cors,
        methods,
        openapi,
        tags,
        deprecated,
        Versioning.DEFAULT);
  }

  /** An API version without tags, not deprecated. */
  public ApiDefinition(
      String name,
      String version,
      String title,
      String description,
      String basePath,
      List<Operation> operations,
      String source,
      CorsPolicy cors,
      Set<HttpMethod> methods,
      Path openapi) {
    this(
        name,
        version,
        title,
        description,
        basePath,
        operations,
        source,
        cors,
        methods,
        openapi,
        List.of(),
        false);
  }

  /** An API version written by hand, not imported from an OpenAPI document. */
  public ApiDefinition(
      String name,
      String version,
      String title,
      String description,
      String basePath,
      List<Operation> operations,
      String source) {
    this(name, version, title, description, basePath, operations, source, null, null, null);
  }

  /** The catalog's name of this version, e.g. {@code orders-v1}. */
  public String id() {
    return name + "-" + version;
  }

  /**
   * The name of this file's revision, unique in the catalog: {@link #id()} for revision 1, else
   * e.g. {@code orders-v1;rev=3}.
   */
  public String revisionId() {
    return versioning.revision() == 1 ? id() : id() + ";rev=" + versioning.revision();
  }
}
