package dev.junction.orchestrator.kafka;

/**
 * A record value together with where it must go. Kafka Streams' {@code TopicNameExtractor} and
 * {@code StreamPartitioner} see only key and value, and neither {@code InvokeConnector} nor {@code
 * WorkflowReply} names its destination, so the processor wraps them; {@link OutboundSerializer}
 * writes only the wrapped value.
 *
 * @param topic destination topic
 * @param partition destination partition, or {@code null} to partition by key
 * @param value the record value
 */
record Outbound<V>(String topic, Integer partition, V value) {}
