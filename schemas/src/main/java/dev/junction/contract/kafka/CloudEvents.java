package dev.junction.contract.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.junction.contract.CloudEventHeaders;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the CloudEvents binary-mode headers of the records a Junction service produces: the
 * required attributes, {@code content-type} and Junction's {@code ce_runid} extension.
 */
public final class CloudEvents {

  private final String source;

  /**
   * @param source {@code ce_source} of every record, e.g. {@code junction/orchestrator}
   */
  public CloudEvents(String source) {
    this.source = source;
  }

  /** New headers with the required attributes plus {@code ce_runid}. */
  public Headers headers(String id, String type, String runId, Instant time) {
    return addTo(new RecordHeaders(), id, type, runId, time);
  }

  /** Adds the required attributes plus {@code ce_runid} to {@code headers}. */
  public Headers addTo(Headers headers, String id, String type, String runId, Instant time) {
    add(headers, CloudEventHeaders.ID, id);
    add(headers, CloudEventHeaders.TYPE, type);
    add(headers, CloudEventHeaders.SOURCE, source);
    add(headers, CloudEventHeaders.TIME, time.toString());
    add(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_1_0);
    add(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.AVRO_CONTENT_TYPE);
    add(headers, CloudEventHeaders.RUN_ID, runId);
    return headers;
  }

  /** Adds one UTF-8 header. */
  public static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(UTF_8));
  }
}
