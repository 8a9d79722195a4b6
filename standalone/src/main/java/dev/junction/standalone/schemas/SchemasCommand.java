package dev.junction.standalone.schemas;

import dev.junction.contract.schema.ClientCredentials;
import dev.junction.contract.schema.JunctionSchemas;
import dev.junction.contract.schema.RegistryClient;
import dev.junction.contract.schema.RegistryCredentials;
import dev.junction.contract.schema.RegistryException;
import dev.junction.contract.schema.ReleasedSchemas;
import dev.junction.contract.schema.SchemaException;
import dev.junction.contract.schema.SchemaRegistration;
import dev.junction.contract.schema.Subject;
import dev.junction.standalone.JunctionCli;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/junction schemas check|register|release}: the schemas of this checkout against the
 * registry (see docs/schemas.md). The registry's OAuth2 client credentials come from the
 * environment, never from the command line where other users of the machine could read them.
 */
public final class SchemasCommand {

  /** The embedded stack's registry. */
  public static final String DEFAULT_REGISTRY = "http://127.0.0.1:8180";

  /** The environment variable naming the registry when {@code --registry} does not. */
  public static final String REGISTRY_URL_VARIABLE = "JUNCTION_REGISTRY_URL";

  static final String USAGE =
      """
      Usage: bin/junction schemas <check|register|release> [--registry URL] [--apis DIR]

        check      what register would change in the registry, and whether each change is
                   compatible with its subject's mode (exit 1 when one is not)
        register   register every schema (platform envelopes and API payloads) and set each
                   subject's compatibility mode; running it twice changes nothing
        release    record the current schemas in schemas/released (the build checks changes
                   against them)

        --registry URL   registry root, v3 or ccompat URL (default $JUNCTION_REGISTRY_URL or %s)
        --apis DIR       API catalog folder (default <junction home>/apis)

      A registry that requires OAuth2: set JUNCTION_REGISTRY_TOKEN_URL, JUNCTION_REGISTRY_CLIENT_ID,
      JUNCTION_REGISTRY_CLIENT_SECRET and optionally JUNCTION_REGISTRY_SCOPE.
      """
          .formatted(DEFAULT_REGISTRY);

  private SchemasCommand() {}

  /**
   * Runs one subcommand.
   *
   * @return the exit status: 0 when everything is in line, 1 when a change is incompatible or the
   *     registry failed, 2 on bad usage
   */
  public static int run(Path home, List<String> options, Map<String, String> env, PrintStream out) {
    String action = options.isEmpty() ? "help" : options.getFirst();
    List<String> rest = options.isEmpty() ? List.of() : options.subList(1, options.size());
    try {
      JunctionSchemas schemas =
          new JunctionSchemas(
              home, Path.of(JunctionCli.option(rest, "--apis", home.resolve("apis").toString())));
      return switch (action) {
        case "check" -> report(registration(rest, env, schemas).check(schemas.registered()), out);
        case "register" ->
            report(registration(rest, env, schemas).register(schemas.registered()), out);
        case "release" -> release(schemas, out);
        default -> {
          out.print(USAGE);
          yield action.equals("help") ? 0 : 2;
        }
      };
    } catch (SchemaException | RegistryException | IllegalArgumentException e) {
      out.println("schemas " + action + " failed: " + e.getMessage());
      return 1;
    }
  }

  private static SchemaRegistration registration(
      List<String> options, Map<String, String> env, JunctionSchemas schemas) {
    return new SchemaRegistration(registryClient(options, env), schemas.settings());
  }

  /**
   * The registry named by {@code --registry URL}, else {@code $JUNCTION_REGISTRY_URL}, else the
   * embedded stack's, with OAuth2 client credentials from the environment when they are set.
   */
  public static RegistryClient registryClient(List<String> options, Map<String, String> env) {
    String url =
        JunctionCli.option(
            options, "--registry", env.getOrDefault(REGISTRY_URL_VARIABLE, DEFAULT_REGISTRY));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    ClientCredentials credentials =
        RegistryCredentials.fromEnvironment(env)
            .map(c -> c.client(http, Clock.systemUTC()))
            .orElse(null);
    return new RegistryClient(url, credentials, http);
  }

  private static int report(List<SchemaRegistration.Change> changes, PrintStream out) {
    changes.forEach(change -> out.println(change.describe()));
    long broken = changes.stream().filter(c -> !c.ok()).count();
    out.printf("%d subject(s), %d incompatible%n", changes.size(), broken);
    return broken == 0 ? 0 : 1;
  }

  private static int release(JunctionSchemas schemas, PrintStream out) {
    List<Subject> subjects = schemas.released();
    ReleasedSchemas.release(subjects, schemas.releasedDir());
    out.printf("%d schema(s) recorded in %s%n", subjects.size(), schemas.releasedDir());
    return 0;
  }
}
