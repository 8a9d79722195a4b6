package dev.junction.standalone.config;

import dev.junction.contract.schema.RegistryException;
import dev.junction.standalone.JunctionCli;
import dev.junction.standalone.schemas.SchemasCommand;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bin/junction export DIR} and {@code bin/junction import DIR [--dry-run]}: a stack's
 * configuration as code (docs/operations.md, "Backup and restore").
 */
public final class ConfigCommand {

  static final String USAGE =
      """
      Usage: bin/junction export DIR [options]
             bin/junction import DIR [--dry-run] [options]

        export DIR   write the stack's configuration into DIR (new, empty, or an earlier export):
                     the API catalog (apis/), the workflows (workflows/), the products (products/,
                     when that folder exists), every subject of the schema registry with its
                     versions and compatibility rule (registry/) and the gateway's subscriptions
                     (subscriptions/, key hashes only). Secrets are written as references
                     ${env:NAME}, listed in DIR/junction-export.yaml.
        import DIR   validate DIR, show what would change (added, changed, removed, unchanged per
                     item), then write the files into the stack's folders (the running gateway and
                     orchestrator reload them), remove the files the export does not hold,
                     register the missing schema versions in order, and restore the
                     subscriptions through the gateway (others it holds are left alone). A failed
                     validation changes nothing. References ${env:NAME} are read from the
                     environment.
          --dry-run  validate and show what would change; change nothing

        --home DIR       the Junction home whose apis/, workflows/ and products/ the stack reads
                         (default: this checkout)
        --apis DIR, --workflows DIR, --products DIR
                         one of those folders elsewhere
        --registry URL   the stack's schema registry: root, v3 or ccompat URL (default
                         $JUNCTION_REGISTRY_URL or %s); an OAuth2-protected one takes
                         the JUNCTION_REGISTRY_* variables of bin/junction schemas help
        --gateway URL    the gateway whose subscriptions are exported or imported (default
                         $JUNCTION_GATEWAY_URL or http://127.0.0.1:8080); its operator token is
                         $JUNCTION_GATEWAY_TOKEN, or one from client credentials:
                         $JUNCTION_GATEWAY_TOKEN_URL, _CLIENT_ID, _CLIENT_SECRET (default the
                         embedded stack's issuer and sample client), scope subscriptions:admin
        --without-subscriptions
                         leave the subscriptions out (no gateway is called)

      Exit status: 0 done (or nothing to do), 1 invalid export or failure, 2 bad usage.
      """
          .formatted(SchemasCommand.DEFAULT_REGISTRY);

  private static final Set<String> VALUE_OPTIONS =
      Set.of("--home", "--apis", "--workflows", "--products", "--registry", "--gateway");
  private static final String DRY_RUN = "--dry-run";
  private static final String WITHOUT_SUBSCRIPTIONS = "--without-subscriptions";
  private static final Set<String> FLAGS = Set.of(DRY_RUN, WITHOUT_SUBSCRIPTIONS, "--help");

  private ConfigCommand() {}

  /**
   * Runs {@code export} or {@code import}.
   *
   * @param home the Junction home, whose folders are the stack's unless options say otherwise
   * @param environment where registry credentials and secret references' values come from
   * @return the exit status
   */
  public static int run(
      String command,
      Path home,
      List<String> options,
      Map<String, String> environment,
      PrintStream out) {
    List<String> arguments;
    try {
      arguments = arguments(options);
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      out.print(USAGE);
      return 2;
    }
    if (arguments.size() != 1 || options.contains("--help") || options.contains("help")) {
      out.print(USAGE);
      return options.contains("--help") || options.contains("help") ? 0 : 2;
    }
    if (command.equals("export") && options.contains(DRY_RUN)) {
      out.println("--dry-run is an option of import; export changes nothing in the stack");
      return 2;
    }
    Path dir = Path.of(arguments.getFirst());
    SubscriptionTransfer subscriptions =
        options.contains(WITHOUT_SUBSCRIPTIONS)
            ? SubscriptionTransfer.leftOut("left out (" + WITHOUT_SUBSCRIPTIONS + ")")
            : GatewaySubscriptions.from(options, environment);
    try {
      StackConfig stack = stack(home, options, environment);
      return command.equals("export")
          ? export(stack, dir, out, subscriptions)
          : importInto(stack, dir, options.contains(DRY_RUN), environment, out, subscriptions);
    } catch (ConfigException | RegistryException | UncheckedIOException e) {
      out.println(command + " failed: " + e.getMessage());
      return 1;
    }
  }

  private static int export(
      StackConfig stack, Path dir, PrintStream out, SubscriptionTransfer subscriptions) {
    out.print("Exporting the stack's configuration from\n" + stack.describe());
    ConfigExport.Result result = ConfigExport.export(stack, dir, subscriptions);
    for (FileKind kind : FileKind.values()) {
      Integer files = result.files().get(kind);
      out.printf(
          "  %-12s %s%n",
          kind.folder(), files == null ? "no folder, not exported" : files + " file(s)");
    }
    out.printf(
        "  %-12s %d subject(s), %d version(s)%n", "registry", result.subjects(), result.versions());
    if (result.subscriptions() >= 0) {
      out.printf("  %-12s %d subscription(s)%n", "subscriptions", result.subscriptions());
    }
    for (SecretReferences.Reference secret : result.manifest().secrets()) {
      out.printf(
          "  secret       %s: %s written as ${env:%s}%n",
          secret.file(), secret.path(), secret.variable());
    }
    result.manifest().notIncluded().forEach(note -> out.println("  not included: " + note));
    out.println("Exported into " + dir.toAbsolutePath().normalize());
    if (!result.manifest().secrets().isEmpty()) {
      out.println("Secrets are not in the export: set the variables above before importing it.");
    }
    return 0;
  }

  private static int importInto(
      StackConfig stack,
      Path dir,
      boolean dryRun,
      Map<String, String> environment,
      PrintStream out,
      SubscriptionTransfer subscriptions) {
    out.print(
        "Importing " + dir.toAbsolutePath().normalize() + " into\n" + stack.describe() + "\n");
    ConfigImport importer = new ConfigImport(dir, stack, environment, subscriptions);
    ConfigImport.Prepared prepared = importer.prepare();
    ImportPlan plan = prepared.plan();
    if (!plan.valid()) {
      out.println("The export is not valid; nothing was changed:");
      plan.problems().forEach(problem -> out.println("  " + problem.replace("\n", "\n    ")));
      return 1;
    }
    out.print(plan.describe());
    if (dryRun) {
      out.println("\nDry run: nothing was changed.");
      return 0;
    }
    if (!plan.changesSomething()) {
      out.println("\nThe stack already holds this configuration; nothing was changed.");
      return 0;
    }
    ConfigImport.Applied applied = importer.apply(prepared);
    out.printf(
        "%nImported: %d file(s) written, %d removed, %d schema version(s) registered,"
            + " %d compatibility rule(s) set, %d subscription(s) written.%n",
        applied.written(),
        applied.removed(),
        applied.versions(),
        applied.rules(),
        applied.subscriptions());
    return 0;
  }

  private static StackConfig stack(Path home, List<String> options, Map<String, String> env) {
    Path base = Path.of(JunctionCli.option(options, "--home", home.toString()));
    Map<FileKind, Path> folders = new EnumMap<>(StackConfig.homeFolders(base));
    for (FileKind kind : FileKind.values()) {
      String folder = JunctionCli.option(options, "--" + kind.folder(), null);
      if (folder != null) {
        folders.put(kind, Path.of(folder));
      }
    }
    return new StackConfig(folders, SchemasCommand.registryClient(options, env));
  }

  /** The arguments that are not options; refuses unknown options. */
  private static List<String> arguments(List<String> options) {
    List<String> arguments = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      String option = options.get(i);
      if (VALUE_OPTIONS.contains(option)) {
        if (i + 1 >= options.size()) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        i++;
      } else if (option.startsWith("--") && !FLAGS.contains(option)) {
        throw new IllegalArgumentException("Unknown option " + option);
      } else if (!option.startsWith("--")) {
        arguments.add(option);
      }
    }
    return arguments;
  }
}
