package dev.junction.gateway.reply;

import dev.junction.contract.CloudEventHeaders;
import dev.junction.wire.WorkflowRequested;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/** The CloudEvents (binary mode) headers of a {@code WorkflowRequested} record. */
final class CommandHeaders {

  /** {@code ce_source} of every record the gateway produces. */
  static final String SOURCE = "junction/api-gateway";

  private CommandHeaders() {}

  static List<Header> of(WorkflowRequested request) {
    return List.of(
        header(CloudEventHeaders.ID, request.getRunId()),
        header(CloudEventHeaders.TYPE, CloudEventHeaders.Types.WORKFLOW_REQUESTED),
        header(CloudEventHeaders.SOURCE, SOURCE),
        header(CloudEventHeaders.TIME, request.getRequestedAt().toString()),
        header(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_1_0),
        header(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.AVRO_CONTENT_TYPE),
        header(CloudEventHeaders.RUN_ID, request.getRunId()),
        header(CloudEventHeaders.REPLY_TOPIC, request.getReplyTopic()),
        header(CloudEventHeaders.REPLY_PARTITION, Integer.toString(request.getReplyPartition())),
        header(CloudEventHeaders.DEADLINE, request.getDeadline().toString()));
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
