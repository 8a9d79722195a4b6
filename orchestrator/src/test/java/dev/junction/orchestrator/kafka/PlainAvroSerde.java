package dev.junction.orchestrator.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Avro binary without a registry, for {@code TopologyTestDriver} tests. */
final class PlainAvroSerde {

  private PlainAvroSerde() {}

  static <T extends SpecificRecord> Serde<T> of(Class<T> type) {
    var schema = SpecificData.get().getSchema(type);
    SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema);
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(schema);
    Serializer<T> serializer =
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
          try {
            writer.write(value, encoder);
            encoder.flush();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return out.toByteArray();
        };
    Deserializer<T> deserializer =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
