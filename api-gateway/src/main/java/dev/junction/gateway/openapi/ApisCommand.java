package dev.junction.gateway.openapi;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/junction apis import FILE [options]}: imports an OpenAPI 3 document into the API
 * catalog. Runs as a plain {@code main} from the gateway's jar (no Spring context), so the catalog
 * code that validates the entry is the gateway's own.
 */
public final class ApisCommand {

  private static final PrintStream OUT = System.out; // the terminal is this command's interface

  private static final String USAGE =
      """
      Usage: bin/junction apis import FILE [options]

        Turns an OpenAPI 3 document (YAML or JSON) into a pass-through API of the catalog:
        <dir>/<name>-<version>.yaml, with the document copied to <dir>/openapi/.

        --dir DIR            the catalog folder (default: apis/ of the Junction home)
        --name NAME          catalog name (default: from the document's title)
        --version VERSION    API version (default: v + the major of info.version)
        --base-path PATH     base path (default: /<name>/<version>)
        --backend URL        backend URL (default: the document's first absolute server URL)
        --mock               answer every operation with a mock from its examples
        --rate-limit L/W     a rate limit per client for the whole API, e.g. 20/10s
        --force              replace an existing entry
      """;

  private ApisCommand() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), OUT));
  }

  static int run(List<String> args, PrintStream out) {
    if (args.isEmpty() || !args.getFirst().equals("import") || args.size() < 2) {
      out.print(USAGE);
      return args.isEmpty() || args.getFirst().equals("help") ? 0 : 2;
    }
    Path file = Path.of(args.get(1));
    List<String> options = new ArrayList<>(args.subList(2, args.size()));
    try {
      String home = System.getProperty("junction.home", ".");
      Path dir = Path.of(value(options, "--dir", Path.of(home, "apis").toString()));
      String backend = value(options, "--backend", null);
      OpenApiImporter.Options importOptions =
          new OpenApiImporter.Options(
              value(options, "--name", null),
              value(options, "--version", null),
              value(options, "--base-path", null),
              backend == null ? null : URI.create(backend),
              flag(options, "--mock"),
              value(options, "--rate-limit", null),
              flag(options, "--force"));
      if (!options.isEmpty()) {
        out.println("Unknown option(s): " + String.join(" ", options));
        out.print(USAGE);
        return 2;
      }
      OpenApiImporter.Result result = new OpenApiImporter().importFile(file, dir, importOptions);
      out.printf(
          "Imported %d operation(s) into %s (document: %s)%n",
          result.operations(), result.entry(), result.document());
      result.notes().forEach(note -> out.println("  note: " + note));
      out.println("A running gateway serves it within its catalog scan interval (2 s).");
      return 0;
    } catch (OpenApiImporter.ImportException | IllegalArgumentException e) {
      out.println("Import failed: " + e.getMessage());
      return 1;
    }
  }

  /** Removes {@code name VALUE} from the options and returns the value, or the fallback. */
  private static String value(List<String> options, String name, String fallback) {
    int index = options.indexOf(name);
    if (index < 0) {
      return fallback;
    }
    if (index + 1 >= options.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    String value = options.get(index + 1);
    options.subList(index, index + 2).clear();
    return value;
  }

  private static boolean flag(List<String> options, String name) {
    return options.remove(name);
  }
}
