package dev.junction.contract;

/**
 * Kafka header names: CloudEvents binary mode ({@code ce_*}) plus Junction's own extensions. W3C
 * {@code traceparent} is written by Micrometer Tracing ({@code KafkaTracing}) and never by hand.
 */
public final class CloudEventHeaders {

  public static final String ID = "ce_id";
  public static final String TYPE = "ce_type";
  public static final String SOURCE = "ce_source";
  public static final String TIME = "ce_time";
  public static final String SPEC_VERSION = "ce_specversion";
  public static final String CONTENT_TYPE = "content-type";

  /**
   * W3C trace context ({@code 00-<trace id>-<span id>-<flags>}) of the span that produced the
   * record; the service handling it continues that trace (see {@code KafkaTracing}).
   */
  public static final String TRACEPARENT = "traceparent";

  /** Junction extension: the run a message belongs to. */
  public static final String RUN_ID = "ce_runid";

  /** Junction extension: the step a connector command or reply belongs to. */
  public static final String STEP_ID = "ce_stepid";

  /** Junction extension: the attempt number of a step. */
  public static final String ATTEMPT = "ce_attempt";

  /** Junction extension: topic the reply to a command must go to. */
  public static final String REPLY_TOPIC = "ce_replytopic";

  /** Junction extension: partition of the reply topic the reply must go to. */
  public static final String REPLY_PARTITION = "ce_replypartition";

  /** Junction extension: deadline of a request, ISO-8601. */
  public static final String DEADLINE = "ce_deadline";

  public static final String SPEC_VERSION_1_0 = "1.0";
  public static final String AVRO_CONTENT_TYPE = "application/avro";

  /** CloudEvents {@code type} of each Junction message, reverse-DNS style. */
  public static final class Types {
    public static final String WORKFLOW_REQUESTED = "dev.junction.workflow.requested";
    public static final String WORKFLOW_REPLY = "dev.junction.workflow.reply";
    public static final String INVOKE_CONNECTOR = "dev.junction.connector.invoke";
    public static final String CONNECTOR_REPLY = "dev.junction.connector.reply";
    public static final String RUN_STATUS_CHANGED = "dev.junction.run.status-changed";
    public static final String RUN_CONTROL = "dev.junction.run.control";

    private Types() {}
  }

  private CloudEventHeaders() {}
}
