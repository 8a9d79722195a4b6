package dev.junction.orchestrator.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.orchestrator.TestWorkflows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowCatalogTest {

  @TempDir Path dir;

  private static String definition(String name, String version, String connector) {
    return """
        name: %s
        version: "%s"
        steps:
          - id: only
            connector: %s
            connection: c
            operation: request
            input: {}
        response:
          status: 200
        """
        .formatted(name, version, connector);
  }

  @Test
  void keepsEveryVersionAndServesTheNewestForNewRuns() throws IOException {
    WorkflowCatalog catalog = new WorkflowCatalog(dir, TestWorkflows.loader());
    Path file = dir.resolve("greet.yaml");
    Files.writeString(file, definition("greet", "1", "http-connector"));
    assertThat(catalog.reload()).isTrue();

    Files.writeString(file, definition("greet", "2", "sql-connector"));
    assertThat(catalog.reload()).isTrue();

    assertThat(catalog.current("greet")).map(WorkflowDefinition::version).contains("2");
    assertThat(catalog.find("greet", "1")).map(WorkflowDefinition::version).contains("1");
    assertThat(catalog.connectors()).containsExactlyInAnyOrder("http-connector", "sql-connector");
  }

  @Test
  void refusesABadFileAndKeepsServingThePreviousVersion() throws IOException {
    WorkflowCatalog catalog = new WorkflowCatalog(dir, TestWorkflows.loader());
    Path file = dir.resolve("greet.yaml");
    Files.writeString(file, definition("greet", "1", "http-connector"));
    catalog.reload();

    Files.writeString(file, definition("greet", "2", "Not A Connector"));

    assertThat(catalog.reload()).isFalse();
    assertThat(catalog.current("greet")).map(WorkflowDefinition::version).contains("1");
  }

  @Test
  void aRemovedFileStopsNewRunsButKeepsPinnedVersions() throws IOException {
    WorkflowCatalog catalog = new WorkflowCatalog(dir, TestWorkflows.loader());
    Path file = dir.resolve("greet.yml");
    Files.writeString(file, definition("greet", "1", "http-connector"));
    catalog.reload();

    Files.delete(file);

    assertThat(catalog.reload()).isTrue();
    assertThat(catalog.current("greet")).isEmpty();
    assertThat(catalog.find("greet", "1")).isPresent();
  }

  @Test
  void unchangedFilesAreNotReloaded() throws IOException {
    WorkflowCatalog catalog = new WorkflowCatalog(dir, TestWorkflows.loader());
    Files.writeString(dir.resolve("greet.yaml"), definition("greet", "1", "http-connector"));
    catalog.reload();

    assertThat(catalog.reload()).isFalse();
  }

  @Test
  void loadsTheRepositoryWorkflowFolder() {
    WorkflowCatalog catalog =
        new WorkflowCatalog(TestWorkflows.WORKFLOWS_DIR, TestWorkflows.loader());

    catalog.reload();

    assertThat(catalog.current("create-order")).isPresent();
  }
}
