package dev.junction.gateway.catalog;

import java.util.List;

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
 */
public record ApiDefinition(
    String name,
    String version,
    String title,
    String description,
    String basePath,
    List<Operation> operations,
    String source) {

  public ApiDefinition {
    operations = List.copyOf(operations);
  }
}
