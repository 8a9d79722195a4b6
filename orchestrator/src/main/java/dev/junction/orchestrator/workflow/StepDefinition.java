package dev.junction.orchestrator.workflow;

import dev.junction.orchestrator.expression.Template;

/**
 * One step of a workflow: a call of a connector operation.
 *
 * @param id unique within the definition; later expressions read its output as {@code
 *     steps.<id>.output}
 * @param connector the connector service, whose command topic is {@code <connector>.commands}
 * @param connection a connection configured in the connector (e.g. a backend base URL)
 * @param operation the connector's operation, e.g. {@code request} for the http-connector
 * @param input the operation's input, built from expressions over the request and earlier steps
 */
public record StepDefinition(
    String id, String connector, String connection, String operation, Template input) {}
