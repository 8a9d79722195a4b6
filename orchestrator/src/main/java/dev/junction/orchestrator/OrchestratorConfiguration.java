package dev.junction.orchestrator;

import dev.junction.orchestrator.expression.ExpressionCompiler;
import dev.junction.orchestrator.kafka.TopicProvisioner;
import dev.junction.orchestrator.run.RunHandler;
import dev.junction.orchestrator.run.RunMetrics;
import dev.junction.orchestrator.run.WorkflowEngine;
import dev.junction.orchestrator.workflow.WorkflowCatalog;
import dev.junction.orchestrator.workflow.WorkflowLoader;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the workflow, expression and run features. */
@Configuration(proxyBeanMethods = false)
class OrchestratorConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  ExpressionCompiler expressionCompiler(OrchestratorProperties properties) {
    return new ExpressionCompiler(properties.maxExpressionIterations());
  }

  /** Loaded once here, so that runs can start as soon as Kafka Streams does. */
  @Bean
  WorkflowCatalog workflowCatalog(OrchestratorProperties properties, ExpressionCompiler compiler) {
    WorkflowCatalog catalog =
        new WorkflowCatalog(properties.workflowsDir(), new WorkflowLoader(compiler));
    catalog.reload();
    return catalog;
  }

  @Bean
  WorkflowReloader workflowReloader(
      WorkflowCatalog catalog, OrchestratorProperties properties, TopicProvisioner topics) {
    return new WorkflowReloader(
        catalog,
        properties.reloadInterval(),
        () -> topics.ensureConnectorTopics(catalog.connectors()));
  }

  @Bean
  RunHandler runHandler(WorkflowCatalog catalog, OrchestratorProperties properties) {
    return new RunHandler(catalog, new WorkflowEngine(properties.repliesTopic()));
  }

  @Bean
  RunMetrics runMetrics(MeterRegistry registry) {
    return new RunMetrics(registry);
  }
}
