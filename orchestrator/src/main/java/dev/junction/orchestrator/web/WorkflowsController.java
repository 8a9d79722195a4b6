package dev.junction.orchestrator.web;

import dev.junction.orchestrator.workflow.WorkflowCatalog;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import java.util.Comparator;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The workflow definitions new runs start with: what is deployed, at which version. */
@RestController
class WorkflowsController {

  private final WorkflowCatalog catalog;

  WorkflowsController(WorkflowCatalog catalog) {
    this.catalog = catalog;
  }

  /** One current definition. */
  record WorkflowLine(String name, String version, String description, int steps, String source) {

    static WorkflowLine of(WorkflowDefinition definition) {
      return new WorkflowLine(
          definition.name(),
          definition.version(),
          definition.description(),
          definition.steps().size(),
          definition.source());
    }
  }

  @GetMapping("/workflows")
  List<WorkflowLine> workflows() {
    return catalog.currentDefinitions().stream()
        .sorted(Comparator.comparing(WorkflowDefinition::name))
        .map(WorkflowLine::of)
        .toList();
  }
}
