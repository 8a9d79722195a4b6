package dev.junction.standalone.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.infra.InfraPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/junction import} of catalog, workflow and product files, without a registry (the
 * exports here include none; ConfigExportImportIT covers the registry): validation with the
 * gateway's and orchestrator's loaders, the dry-run diff, mirroring into the target folders.
 */
class ConfigImportTest {

  /** Never contacted: the exports of this test include no registry. */
  private static final String NO_REGISTRY = "http://127.0.0.1:9";

  @TempDir Path dir;
  private Path export;
  private Path target;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  @BeforeEach
  void sampleExportAndEmptyTarget() throws IOException {
    export = dir.resolve("export");
    target = dir.resolve("target");
    Path home = InfraPaths.home();
    copyTree(home.resolve("apis"), export.resolve("apis"));
    copyTree(home.resolve("workflows"), export.resolve("workflows"));
    Files.writeString(export.resolve(Manifest.FILE), "format: 1\nincludes: [apis, workflows]\n");
    Files.createDirectories(target);
  }

  private int importing(Map<String, String> environment, String... options) {
    List<String> arguments = new ArrayList<>(List.of(export.toString()));
    arguments.addAll(List.of(options));
    arguments.addAll(List.of("--home", target.toString(), "--registry", NO_REGISTRY));
    return ConfigCommand.run(
        "import",
        dir,
        arguments,
        environment,
        new PrintStream(output, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return output.toString(StandardCharsets.UTF_8);
  }

  @Test
  void dryRunShowsEveryFileAsAddedAndChangesNothing() throws IOException {
    int status = importing(Map.of(), "--dry-run");

    assertThat(status).as(output()).isZero();
    assertThat(output())
        .contains("apis: 5 added, 0 changed, 0 removed, 0 unchanged")
        .contains("  + orders-v1.yaml")
        .contains("  + schemas/orders/v1/CreateOrderRequest.avsc")
        .contains("  + openapi/petstore-v3.yaml")
        .contains("workflows: 1 added, 0 changed, 0 removed, 0 unchanged")
        .contains("  + create-order.yaml")
        .contains("products: not in the export; the target's are left alone")
        .contains("registry: not in the export")
        .contains("\nsubscriptions: not in the export; the target's are left alone")
        .contains("Dry run: nothing was changed.");
    assertThat(files(target)).isEmpty();
  }

  @Test
  void subscriptionsInTheExportAreLeftOutOnRequestWithoutCallingAGateway() throws IOException {
    Files.createDirectories(export.resolve("subscriptions"));
    Files.writeString(export.resolve(SubscriptionTransfer.FILE), "{}");

    int status =
        importing(Map.of(), "--dry-run", "--without-subscriptions", "--gateway", NO_REGISTRY);

    assertThat(status).as(output()).isZero();
    assertThat(output()).contains("\nsubscriptions: left out (--without-subscriptions)");
  }

  @Test
  void anUnreachableGatewayStopsAnImportOfSubscriptionsBeforeAnythingChanges() throws IOException {
    Files.createDirectories(export.resolve("subscriptions"));
    Files.writeString(export.resolve(SubscriptionTransfer.FILE), "{}");

    int status = importing(Map.of("JUNCTION_GATEWAY_TOKEN", "t"), "--gateway", NO_REGISTRY);

    assertThat(status).isEqualTo(1);
    assertThat(output())
        .contains("Cannot reach the gateway at " + NO_REGISTRY + " for the subscriptions import")
        .contains("--without-subscriptions");
    assertThat(files(target)).isEmpty();
  }

  @Test
  void importMirrorsTheExportAndASecondImportChangesNothing() throws IOException {
    Path apis = Files.createDirectories(target.resolve("apis"));
    Files.writeString(apis.resolve("retired-v1.yaml"), "name: retired\n");
    Path workflows = Files.createDirectories(target.resolve("workflows"));
    Files.writeString(
        workflows.resolve("create-order.yaml"),
        Files.readString(export.resolve("workflows/create-order.yaml"))
            .replace("description: Reserve stock, then create the order.", "description: Old."));

    int first = importing(Map.of());
    String firstOutput = output();
    output.reset();
    int second = importing(Map.of());

    assertThat(first).as(firstOutput).isZero();
    assertThat(firstOutput)
        .contains("apis: 5 added, 0 changed, 1 removed, 0 unchanged")
        .contains("  - retired-v1.yaml")
        .contains("workflows: 0 added, 1 changed, 0 removed, 0 unchanged")
        .contains("  ~ create-order.yaml (+1 -1 lines)")
        .contains("Imported: 6 file(s) written, 1 removed");
    assertThat(files(target.resolve("apis"))).isEqualTo(files(export.resolve("apis")));
    assertThat(files(target.resolve("workflows"))).isEqualTo(files(export.resolve("workflows")));
    assertThat(second).isZero();
    assertThat(output())
        .contains("apis: 0 added, 0 changed, 0 removed, 5 unchanged")
        .contains("The stack already holds this configuration; nothing was changed.");
  }

  @Test
  void aFailedValidationNamesFilePathAndProblemAndChangesNothing() throws IOException {
    Path apis = Files.createDirectories(target.resolve("apis"));
    Files.writeString(apis.resolve("retired-v1.yaml"), "name: retired\n");
    replace("apis/orders-v1.yaml", "basePath: /orders/v1", "basePath: orders/v1/");
    replace(
        "workflows/create-order.yaml", "connector: http-connector", "connector: Http_Connector");

    int status = importing(Map.of());

    assertThat(status).isEqualTo(1);
    assertThat(output())
        .contains("The export is not valid; nothing was changed:")
        .contains("apis/orders-v1.yaml: basePath:")
        .contains("workflows/create-order.yaml: steps[0].connector:")
        .doesNotContain("Imported");
    assertThat(files(target)).containsOnlyKeys("apis/retired-v1.yaml");
  }

  @Test
  void refusesASchemaChangeThatBreaksTheClientsOfAServedApi() throws IOException {
    copyTree(export.resolve("apis"), target.resolve("apis"));
    replace(
        "apis/schemas/orders/v1/CreateOrderRequest.avsc",
        "\"fields\": [",
        "\"fields\": [{\"name\": \"coupon\", \"type\": \"string\", \"doc\": \"required, no default\"},");

    int status = importing(Map.of(), "--dry-run");

    assertThat(status).isEqualTo(1);
    assertThat(output())
        .contains("apis/orders-v1.yaml: operations[0].request.schema")
        .contains("coupon")
        .contains("publish it as a new version");
  }

  @Test
  void resolvesSecretReferencesFromTheEnvironment() throws IOException {
    replace(
        "workflows/create-order.yaml",
        "      method: POST\n      path: /reservations",
        "      method: POST\n      path: /reservations\n      headers:\n"
            + "        X-API-Key: \"${env:INVENTORY_KEY}\"");

    int missing = importing(Map.of(), "--dry-run");
    String missingOutput = output();
    int imported = importing(Map.of("INVENTORY_KEY", "k-123"));

    assertThat(missing).isEqualTo(1);
    assertThat(missingOutput)
        .contains(
            "workflows/create-order.yaml: steps[0].input.headers.X-API-Key: ${env:INVENTORY_KEY}"
                + " is not set");
    assertThat(imported).as(output()).isZero();
    assertThat(Files.readString(target.resolve("workflows/create-order.yaml")))
        .contains("X-API-Key: \"k-123\"")
        .doesNotContain("${env:");
  }

  @Test
  void mirrorsProductsWhenTheExportHasThemAndLeavesThemAloneWhenNot() throws IOException {
    Path products = Files.createDirectories(target.resolve("products"));
    Files.writeString(products.resolve("gold.yaml"), "name: gold\n");

    int without = importing(Map.of());
    boolean keptWithout = Files.exists(products.resolve("gold.yaml"));
    Files.createDirectories(export.resolve("products"));
    Files.writeString(export.resolve("products/silver.yaml"), "name: silver\napis: [orders-v1]\n");
    Files.writeString(
        export.resolve(Manifest.FILE), "format: 1\nincludes: [apis, workflows, products]\n");
    output.reset();
    int with = importing(Map.of());

    assertThat(without).isZero();
    assertThat(keptWithout).isTrue();
    assertThat(with).as(output()).isZero();
    assertThat(output()).contains("products: 1 added, 0 changed, 1 removed, 0 unchanged");
    assertThat(files(products)).containsOnlyKeys("silver.yaml");
  }

  @Test
  void refusesAFolderThatIsNoExport() throws IOException {
    Files.delete(export.resolve(Manifest.FILE));

    assertThat(importing(Map.of())).isEqualTo(1);
    assertThat(output()).contains("is not an export of bin/junction export");
  }

  @Test
  void exportRefusesAFolderOfOtherFilesAndTheStacksOwnFolders() throws IOException {
    Path other = Files.createDirectories(dir.resolve("notes"));
    Files.writeString(other.resolve("todo.txt"), "keep me");
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    List<String> stack = List.of("--home", target.toString(), "--registry", NO_REGISTRY);

    int foreign = ConfigCommand.run("export", dir, concat(other.toString(), stack), Map.of(), out);
    int inside =
        ConfigCommand.run(
            "export", dir, concat(target.resolve("apis/backup").toString(), stack), Map.of(), out);

    assertThat(foreign).isEqualTo(1);
    assertThat(inside).isEqualTo(1);
    assertThat(output())
        .contains("it is neither empty nor an earlier export")
        .contains("it overlaps the stack's folder");
    assertThat(Files.readString(other.resolve("todo.txt"))).isEqualTo("keep me");
  }

  @Test
  void printsUsageOnBadArguments() {
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    assertThat(ConfigCommand.run("import", dir, List.of(), Map.of(), out)).isEqualTo(2);
    assertThat(ConfigCommand.run("import", dir, List.of("x", "--force"), Map.of(), out))
        .isEqualTo(2);
    assertThat(ConfigCommand.run("export", dir, List.of("x", "--dry-run"), Map.of(), out))
        .isEqualTo(2);
    assertThat(ConfigCommand.run("export", dir, List.of("help"), Map.of(), out)).isZero();
    assertThat(output())
        .contains("Unknown option --force")
        .contains("Usage: bin/junction export DIR [options]");
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(rest);
    return all;
  }

  private void replace(String file, String from, String to) throws IOException {
    Path path = export.resolve(file);
    String text = Files.readString(path);
    assertThat(text).contains(from);
    Files.writeString(path, text.replace(from, to));
  }

  /** Every file under {@code root} with its content, by relative path. */
  private static Map<String, String> files(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return files;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path file : paths.filter(Files::isRegularFile).toList()) {
        files.put(FileKind.relative(root, file), Files.readString(file));
      }
    }
    return files;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      paths.forEach(
          path -> {
            try {
              Path out = to.resolve(from.relativize(path).toString());
              if (Files.isDirectory(path)) {
                Files.createDirectories(out);
              } else {
                Files.copy(path, out);
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }
}
