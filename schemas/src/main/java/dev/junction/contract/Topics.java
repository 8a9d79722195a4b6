package dev.junction.contract;

/**
 * The one home of Junction's topic names. Services take these names as defaults of their
 * configuration properties, so an operator can still rename a topic per deployment.
 */
public final class Topics {

  /** Commands from the gateway to the orchestrator ({@code WorkflowRequested}), keyed by run id. */
  public static final String ORCHESTRATOR_COMMANDS = "orchestrator.commands";

  /** Replies from connectors to the orchestrator ({@code ConnectorReply}), keyed by run id. */
  public static final String ORCHESTRATOR_REPLIES = "orchestrator.replies";

  /**
   * Replies from the orchestrator to gateway instances ({@code WorkflowReply}); one partition each.
   */
  public static final String GATEWAY_REPLIES = "gateway.replies";

  /**
   * Control commands about existing runs ({@code RunControl}, e.g. cancel), keyed by run id and
   * co-partitioned with {@link #ORCHESTRATOR_COMMANDS}.
   */
  public static final String ORCHESTRATOR_CONTROL = "orchestrator.control";

  /**
   * Every workflow definition version the orchestrators loaded ({@code WorkflowDefinitionVersion}),
   * compacted, keyed by {@code name@version}.
   */
  public static final String ORCHESTRATOR_DEFINITIONS = "orchestrator.definitions";

  /**
   * Subscriptions to API products ({@code Subscription}), compacted, keyed by subscription id; a
   * tombstone cancels one. Every gateway instance reads all of it.
   */
  public static final String GATEWAY_SUBSCRIPTIONS = "gateway.subscriptions";

  /** Run lifecycle events ({@code RunStatusChanged}), keyed by run id. */
  public static final String RUN_EVENTS = "orchestrator.runs.events";

  /** Suffix of the dead-letter topic of a topic, as Spring Kafka defines it. */
  public static final String DEAD_LETTER_SUFFIX = "-dlt";

  /** Suffix of a connector's command topic: {@code <connector>.commands}. */
  public static final String COMMANDS_SUFFIX = ".commands";

  private Topics() {}

  /** The command topic of a connector service, e.g. {@code http-connector.commands}. */
  public static String connectorCommands(String connector) {
    return connector + COMMANDS_SUFFIX;
  }

  /** The dead-letter topic of a topic, e.g. {@code http-connector.commands-dlt}. */
  public static String deadLetter(String topic) {
    return topic + DEAD_LETTER_SUFFIX;
  }
}
