package dev.junction.orchestrator.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.junction.contract.CloudEventHeaders;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Builds CloudEvents binary-mode headers for the records the orchestrator produces. */
final class CloudEvents {

  private final String source;

  /**
   * @param source {@code ce_source} of every record, e.g. {@code junction/orchestrator}
   */
  CloudEvents(String source) {
    this.source = source;
  }

  /** The required attributes plus {@code ce_runid}. */
  Headers headers(String id, String type, String runId, Instant time) {
    Headers headers = new RecordHeaders();
    add(headers, CloudEventHeaders.ID, id);
    add(headers, CloudEventHeaders.TYPE, type);
    add(headers, CloudEventHeaders.SOURCE, source);
    add(headers, CloudEventHeaders.TIME, time.toString());
    add(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_1_0);
    add(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.AVRO_CONTENT_TYPE);
    add(headers, CloudEventHeaders.RUN_ID, runId);
    return headers;
  }

  static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(UTF_8));
  }
}
