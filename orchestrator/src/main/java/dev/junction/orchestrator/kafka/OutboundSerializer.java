package dev.junction.orchestrator.kafka;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/** Serializes the value of an {@link Outbound} with the value's own serializer. */
final class OutboundSerializer<V> implements Serializer<Outbound<V>> {

  private final Serializer<V> delegate;

  OutboundSerializer(Serializer<V> delegate) {
    this.delegate = delegate;
  }

  @Override
  public byte[] serialize(String topic, Outbound<V> data) {
    return data == null ? null : delegate.serialize(topic, data.value());
  }

  @Override
  public byte[] serialize(String topic, Headers headers, Outbound<V> data) {
    return data == null ? null : delegate.serialize(topic, headers, data.value());
  }

  @Override
  public void close() {
    delegate.close();
  }
}
