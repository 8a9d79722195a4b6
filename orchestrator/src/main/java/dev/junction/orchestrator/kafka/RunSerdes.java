package dev.junction.orchestrator.kafka;

import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import dev.junction.wire.RunControl;
import dev.junction.wire.RunState;
import dev.junction.wire.RunStatusChanged;
import dev.junction.wire.RunSummary;
import dev.junction.wire.WorkflowReply;
import dev.junction.wire.WorkflowRequested;
import org.apache.kafka.common.serialization.Serde;

/** The value serdes of the run topology: one per wire type it reads, stores or writes. */
public record RunSerdes(
    Serde<WorkflowRequested> requested,
    Serde<ConnectorReply> connectorReply,
    Serde<RunState> runState,
    Serde<InvokeConnector> command,
    Serde<WorkflowReply> workflowReply,
    Serde<RunStatusChanged> event,
    Serde<RunControl> control,
    Serde<RunSummary> summary) {

  /** Registry-backed serdes (Apicurio, Confluent wire format) for production. */
  public static RunSerdes registry(String registryUrl) {
    return new RunSerdes(
        AvroSerdes.serde(WorkflowRequested.class, registryUrl),
        AvroSerdes.serde(ConnectorReply.class, registryUrl),
        AvroSerdes.serde(RunState.class, registryUrl),
        AvroSerdes.serde(InvokeConnector.class, registryUrl),
        AvroSerdes.serde(WorkflowReply.class, registryUrl),
        AvroSerdes.serde(RunStatusChanged.class, registryUrl),
        AvroSerdes.serde(RunControl.class, registryUrl),
        AvroSerdes.serde(RunSummary.class, registryUrl));
  }
}
