package dev.junction.gateway.reply;

import dev.junction.contract.CloudEventHeaders;
import dev.junction.contract.kafka.CloudEvents;
import dev.junction.wire.WorkflowRequested;
import org.apache.kafka.common.header.Headers;

/** The CloudEvents (binary mode) headers of a {@code WorkflowRequested} record. */
final class CommandHeaders {

  /** {@code ce_source} of every record the gateway produces. */
  static final String SOURCE = "junction/api-gateway";

  private CommandHeaders() {}

  private static final CloudEvents CLOUD_EVENTS = new CloudEvents(SOURCE);

  static Headers of(WorkflowRequested request) {
    Headers headers =
        CLOUD_EVENTS.headers(
            request.getRunId(),
            CloudEventHeaders.Types.WORKFLOW_REQUESTED,
            request.getRunId(),
            request.getRequestedAt());
    CloudEvents.add(headers, CloudEventHeaders.REPLY_TOPIC, request.getReplyTopic());
    CloudEvents.add(
        headers, CloudEventHeaders.REPLY_PARTITION, Integer.toString(request.getReplyPartition()));
    CloudEvents.add(headers, CloudEventHeaders.DEADLINE, request.getDeadline().toString());
    return headers;
  }
}
