package dev.junction.standalone;

import dev.junction.infra.ChildProcess;
import dev.junction.infra.InfraPaths;
import dev.junction.standalone.bench.Benchmark;
import dev.junction.standalone.bench.RunHistoryBenchmark;
import dev.junction.standalone.config.ConfigCommand;
import dev.junction.standalone.runs.RunsCommand;
import dev.junction.standalone.schemas.SchemasCommand;
import dev.junction.standalone.stack.EmbeddedStack;
import dev.junction.standalone.stack.IdentityProvider;
import dev.junction.standalone.stack.ProcessStack;
import dev.junction.standalone.stack.ServiceSettings;
import dev.junction.standalone.stack.StackSecurity;
import dev.junction.standalone.stack.StackSettings;
import dev.junction.standalone.stack.TokenClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The command line behind {@code bin/junction}: {@code up}, {@code token}, {@code bench}, {@code
 * export}, {@code import}, ...
 */
public final class JunctionCli {

  private static final PrintStream OUT =
      System.out; // the terminal is this command's user interface

  private JunctionCli() {}

  public static void main(String[] args) throws Exception {
    List<String> arguments = Arrays.asList(args);
    String command = arguments.isEmpty() ? "help" : arguments.get(0);
    List<String> options = arguments.isEmpty() ? List.of() : arguments.subList(1, arguments.size());
    int status =
        switch (command) {
          case "up" -> options.contains("--processes") ? upProcesses(options) : up(options);
          case "down" -> down();
          case "sample-backend" -> ServeCommands.sampleBackend(options);
          case "dev-issuer" -> ServeCommands.devIssuer(InfraPaths.home(), options);
          case "token" -> token(options);
          case "bench" -> Benchmark.run(InfraPaths.home(), options, OUT);
          case "bench-echo" -> Benchmark.echo(options, OUT);
          case "bench-backend" -> Benchmark.backend(options, OUT);
          case "runs" -> RunsCommand.run(options, OUT);
          case "bench-history" -> RunHistoryBenchmark.run(InfraPaths.home(), options, OUT);
          case "schemas" -> SchemasCommand.run(InfraPaths.home(), options, System.getenv(), OUT);
          case "export", "import" ->
              ConfigCommand.run(command, InfraPaths.home(), options, System.getenv(), OUT);
          case "help", "--help", "-h" -> help(0);
          default -> {
            OUT.println("Unknown command: " + command);
            yield help(2);
          }
        };
    System.exit(status);
  }

  private static int help(int status) {
    OUT.println(
        """
        Usage: bin/junction <command> [options]

          up [--gateways N]             run the embedded stack (broker, registry, dev issuer,
                                        sample backend, orchestrator, http-connector, gateway)
          up --processes [--gateways N] [--orchestrators N] [--idp dev|keycloak]
                                        the same parts, each a process of its own that runs on
                                        after this command; logs and PIDs in .junction/processes;
                                        --idp keycloak: Keycloak with the compose stack's realm
                                        instead of the dev issuer
          up ... --tls-cert FILE --tls-key FILE
                                        the gateways on HTTPS: PEM certificate chain (naming
                                        127.0.0.1) and private key (docs/operations.md)
          down                          stop the process stack
          sample-backend [--port N] [--bind ADDRESS]   serve the sample backend
          dev-issuer [--port N] [--key-file FILE]      serve the dev OAuth2 issuer
          token [--scope "a b"]         print an access token for the sample client
          bench [--json FILE] [--duration S] [--warmup S] [--concurrency 1,64] [--passthrough-only]
                                        measure the raw Kafka round trip, the sample API and
                                        a pass-through API against its backend called directly
          runs list|show|cancel|resubmit  the run history (bin/junction runs help)
          bench-history [--runs N]      time the run history API with N runs (100000) kept
          schemas check|register|release [--registry URL]
                                        check and register the Avro schemas (docs/schemas.md)
          export DIR [--registry URL] [--home DIR]
                                        write the API catalog, workflows, products and schema
                                        subjects into DIR, secrets as references
          import DIR [--dry-run] [--registry URL] [--home DIR]
                                        validate DIR, show what would change, then restore it
                                        (bin/junction export help; docs/operations.md)
          apis import FILE [--mock] [--name N] [--version V] [--backend URL] ...
                                        import an OpenAPI 3 document into the API catalog
                                        (bin/junction apis help; docs/policies.md)
        """);
    return status;
  }

  private static int up(List<String> options) throws InterruptedException {
    if (options.contains("--idp")) {
      OUT.println(
          "--idp is an option of the process stack: bin/junction up --processes --idp keycloak");
      return 2;
    }
    int gateways = Integer.parseInt(option(options, "--gateways", "1"));
    StackSettings settings =
        withGatewayTls(StackSettings.defaults(InfraPaths.home(), gateways), options);
    long started = System.nanoTime();
    OUT.println("Starting Junction (logs in " + settings.logDir() + ") ...");
    AtomicReference<EmbeddedStack> running = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    // registered before anything starts: Ctrl-C while the stack is still starting leaves nothing
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  OUT.println("Stopping Junction ...");
                  ChildProcess.refuseNewChildren();
                  EmbeddedStack stack = running.get();
                  if (stack != null) {
                    stack.close();
                  }
                  // a safety net, and all there is while starting: nothing this launcher started
                  // may outlive it
                  ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
                  stopped.countDown();
                },
                "junction-shutdown"));
    EmbeddedStack stack = EmbeddedStack.start(settings);
    running.set(stack);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    OUT.printf(
        """

        Junction is ready (%.1f s).

          Gateway          %s   (readiness: %s/actuator/health/readiness)
          Sample API       POST %s/orders/v1/orders
          Petstore (mocks) GET  %s/petstore/v3/pet/10   (20 calls per 10 s per client)
          OpenAPI          GET  %s/apis/petstore/v3/openapi.json
          Run history      GET  %s/runs/{runId}
          Dev issuer       %s   (client %s, secret %s)
          Schema registry  %s
          Kafka            %s
          Logs             %s

        Get a token and call the sample API:

          TOKEN=$(bin/junction token)
          curl -i -X POST %s/orders/v1/orders \\
            -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
            -d '{"customerId":"c-1","sku":"sku-1","quantity":2}'

        Press Ctrl-C to stop everything.
        """,
        took.toMillis() / 1000.0,
        settings.gatewayUrl(0),
        settings.gatewayUrl(0),
        settings.gatewayUrl(0),
        settings.gatewayUrl(0),
        settings.gatewayUrl(0),
        settings.gatewayUrl(0),
        settings.issuerUrl(),
        StackSettings.SAMPLE_CLIENT_ID,
        settings.clientSecret().equals(StackSettings.DEV_CLIENT_SECRET)
            ? StackSettings.DEV_CLIENT_SECRET + " (development default)"
            : "from JUNCTION_SAMPLE_CLIENT_SECRET",
        stack.registryUrl(),
        stack.bootstrapServers(),
        settings.logDir(),
        settings.gatewayUrl(0));
    stopped.await();
    return 0;
  }

  private static int upProcesses(List<String> options) {
    int gateways = Integer.parseInt(option(options, "--gateways", "1"));
    int orchestrators = Integer.parseInt(option(options, "--orchestrators", "1"));
    ProcessStack.Settings defaults =
        ProcessStack.Settings.defaults(InfraPaths.home(), gateways, orchestrators);
    IdentityProvider idp;
    try {
      idp = IdentityProvider.parse(option(options, "--idp", "dev"));
    } catch (IllegalArgumentException e) {
      OUT.println(e.getMessage());
      return 2;
    }
    ProcessStack.Settings settings =
        new ProcessStack.Settings(
            withGatewayTls(defaults.stack(), options).withIdentityProvider(idp),
            defaults.orchestratorPorts());
    StackSettings stack = settings.stack();
    long started = System.nanoTime();
    OUT.println("Starting the process stack (logs in " + stack.logDir() + ") ...");
    ProcessStack.start(settings);
    StringBuilder services = new StringBuilder();
    for (int i = 0; i < gateways; i++) {
      services.append(String.format("  Gateway %d        %s%n", i, stack.gatewayUrl(i)));
    }
    for (int i = 0; i < orchestrators; i++) {
      services.append(String.format("  Orchestrator %d   %s%n", i, settings.orchestratorUrl(i)));
    }
    OUT.printf(
        """

        The process stack is ready (%.1f s); it runs on until `bin/junction down`.

        %s  %-16s %s   (client %s)
          Schema registry  http://127.0.0.1:%d
          Kafka            127.0.0.1:%d
          Logs             %s
          PIDs             %s

          TOKEN=$(bin/junction token)
          curl -i -X POST %s/orders/v1/orders \\
            -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
            -d '{"customerId":"c-1","sku":"sku-1","quantity":2}'
        """,
        Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0,
        services,
        idp == IdentityProvider.KEYCLOAK ? "Keycloak" : "Dev issuer",
        stack.issuerUrl(),
        StackSettings.SAMPLE_CLIENT_ID,
        stack.registryPort(),
        stack.kafkaPort(),
        stack.logDir(),
        settings.pidDir(),
        stack.gatewayUrl(0));
    return 0;
  }

  private static int down() {
    ProcessStack.Settings settings = ProcessStack.Settings.defaults(InfraPaths.home(), 1, 1);
    List<String> stopped = ProcessStack.stop(settings.pidDir());
    OUT.println(
        stopped.isEmpty()
            ? "No process stack was running."
            : "Stopped " + String.join(", ", stopped) + ".");
    return 0;
  }

  private static int token(List<String> options) {
    StackSettings settings =
        StackSettings.defaults(Path.of("."), 1)
            .withIdentityProvider(ProcessStack.defaultStackIdentityProvider(InfraPaths.home()));
    String tokenUrl = option(options, "--token-url", settings.tokenUrl());
    String scope = option(options, "--scope", StackSettings.SAMPLE_SCOPES);
    OUT.println(
        TokenClient.fetch(
            tokenUrl, StackSettings.SAMPLE_CLIENT_ID, settings.clientSecret(), scope));
    return 0;
  }

  /** {@code --tls-cert FILE --tls-key FILE}: the gateways' listener on HTTPS. */
  private static StackSettings withGatewayTls(StackSettings settings, List<String> options) {
    String certificate = option(options, "--tls-cert", null);
    String key = option(options, "--tls-key", null);
    if (certificate == null && key == null) {
      return settings;
    }
    if (certificate == null || key == null) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    for (String file : List.of(certificate, key)) {
      if (!Files.isReadable(Path.of(file))) {
        throw new IllegalArgumentException("Cannot read " + file);
      }
    }
    return settings.withSecurity(
        StackSecurity.gatewayOnly(
            new ServiceSettings.GatewayTls(
                Path.of(certificate).toAbsolutePath(), Path.of(key).toAbsolutePath())));
  }

  /** The value after {@code name} in {@code options}, or {@code fallback}. */
  public static String option(List<String> options, String name, String fallback) {
    int index = options.indexOf(name);
    if (index < 0) {
      return fallback;
    }
    if (index + 1 >= options.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return options.get(index + 1);
  }
}
