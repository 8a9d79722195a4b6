package dev.junction.contract.schema;

import dev.junction.contract.Topics;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunControl;
import dev.junction.wire.RunState;
import dev.junction.wire.RunStatusChanged;
import dev.junction.wire.RunSummary;
import dev.junction.wire.Subscription;
import dev.junction.wire.WorkflowDefinitionVersion;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The subjects of the platform's own envelopes: the value subject of each topic ({@code
 * <topic>-value}, the subject the Apicurio serializer uses), with the schema of the generated class
 * it carries, which is exactly what the serializer registers.
 */
public final class PlatformSubjects {

  /** Connector services shipped with Junction; each has a command topic. */
  public static final List<String> CONNECTORS = List.of("http-connector");

  /** Subject suffix of a topic's record values (Confluent's and Apicurio's topic strategy). */
  public static final String VALUE_SUFFIX = "-value";

  /** Subject of the run state kept by the orchestrator, checked at build time only. */
  public static final String RUN_STATE = RunState.getClassSchema().getFullName();

  /** Subject of the run history index lines, checked at build time only. */
  public static final String RUN_SUMMARY = RunSummary.getClassSchema().getFullName();

  private PlatformSubjects() {}

  /** The value subject of a topic. */
  public static String valueSubject(String topic) {
    return topic + VALUE_SUFFIX;
  }

  /** Envelopes that travel on Junction's topics: what {@code schemas register} registers. */
  public static List<Subject> onTopics() {
    List<Subject> subjects =
        new ArrayList<>(
            List.of(
                subject(Topics.ORCHESTRATOR_COMMANDS, WorkflowRequested.getClassSchema()),
                subject(Topics.GATEWAY_REPLIES, WorkflowReply.getClassSchema()),
                subject(Topics.ORCHESTRATOR_REPLIES, ConnectorReply.getClassSchema()),
                subject(Topics.RUN_EVENTS, RunStatusChanged.getClassSchema()),
                subject(Topics.ORCHESTRATOR_CONTROL, RunControl.getClassSchema()),
                subject(
                    Topics.ORCHESTRATOR_DEFINITIONS, WorkflowDefinitionVersion.getClassSchema()),
                subject(Topics.GATEWAY_SUBSCRIPTIONS, Subscription.getClassSchema())));
    for (String connector : CONNECTORS) {
      subjects.add(subject(Topics.connectorCommands(connector), InvokeConnector.getClassSchema()));
    }
    return List.copyOf(subjects);
  }

  /**
   * Every platform schema the build checks against its released version: the envelopes on topics
   * and the orchestrator's run state and run index lines (stored in changelog topics, so they must
   * stay readable across upgrades too).
   */
  public static List<Subject> all() {
    List<Subject> subjects = new ArrayList<>(onTopics());
    subjects.add(new Subject(RUN_STATE, RunState.getClassSchema(), RunState.class.getName()));
    subjects.add(new Subject(RUN_SUMMARY, RunSummary.getClassSchema(), RunSummary.class.getName()));
    return List.copyOf(subjects);
  }

  private static Subject subject(String topic, Schema schema) {
    return new Subject(valueSubject(topic), schema, schema.getFullName());
  }
}
