package dev.junction.contract.kafka;

import dev.junction.contract.schema.RegistryCredentials;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The one place that configures the Apicurio Avro SerDe for Junction's wire types.
 *
 * <p>Records are written in Confluent's wire format (magic byte and a 4-byte content id, the id the
 * registry's {@code /apis/ccompat/v7} API serves), so Confluent Schema Registry or Karapace can
 * replace Apicurio. The serializer registers the record's own schema under the topic's subject
 * ({@code <topic>-value}) if it is not there yet; it never serializes with the "latest" schema.
 *
 * <p>The SerDe caches every schema it has resolved (by content when writing, by id when reading),
 * so while the registry is down traffic with known schemas goes on and only a schema never seen
 * before fails ({@code RegistryOutageIT}). Fault-tolerant refresh is on as well, so that a cache
 * entry whose periodic refresh fails keeps serving instead of failing the record.
 */
public final class AvroSerdes {

  private AvroSerdes() {}

  /**
   * Producer settings for {@link AvroKafkaSerializer}, to merge into a producer's configuration.
   */
  public static Map<String, Object> serializerConfig(String registryUrl) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.REGISTRY_URL, registryUrl);
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, true);
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS, "FIND_OR_CREATE_VERSION");
    config.put(SerdeConfig.FAULT_TOLERANT_REFRESH, true);
    config.put(AvroSerdeConfig.AVRO_DATUM_PROVIDER, CachingAvroDatumProvider.class.getName());
    return config;
  }

  /**
   * Consumer settings for {@link AvroKafkaDeserializer}: generated classes, not generic records.
   */
  public static Map<String, Object> deserializerConfig(String registryUrl) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.REGISTRY_URL, registryUrl);
    config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
    config.put(SerdeConfig.FAULT_TOLERANT_REFRESH, true);
    config.put(AvroSerdeConfig.AVRO_DATUM_PROVIDER, CachingAvroDatumProvider.class.getName());
    return config;
  }

  /** A configured value serializer for generated record type {@code T}. */
  public static <T extends SpecificRecord> Serializer<T> serializer(String registryUrl) {
    return serializer(registryUrl, null);
  }

  /**
   * A configured value serializer for generated record type {@code T}, for a registry that requires
   * OAuth2 bearer tokens.
   *
   * @param credentials the client credentials, or {@code null} for an open registry
   */
  public static <T extends SpecificRecord> Serializer<T> serializer(
      String registryUrl, RegistryCredentials credentials) {
    AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
    serializer.configure(withCredentials(serializerConfig(registryUrl), credentials), false);
    return serializer;
  }

  /** A configured value deserializer for generated record type {@code T}. */
  public static <T extends SpecificRecord> Deserializer<T> deserializer(
      Class<T> type, String registryUrl) {
    return deserializer(type, registryUrl, null);
  }

  /**
   * A configured value deserializer for generated record type {@code T}, for a registry that
   * requires OAuth2 bearer tokens.
   *
   * @param credentials the client credentials, or {@code null} for an open registry
   */
  public static <T extends SpecificRecord> Deserializer<T> deserializer(
      Class<T> type, String registryUrl, RegistryCredentials credentials) {
    AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();
    Map<String, Object> config = withCredentials(deserializerConfig(registryUrl), credentials);
    config.put(SerdeConfig.DESERIALIZER_SPECIFIC_VALUE_RETURN_CLASS, type.getName());
    deserializer.configure(config, false);
    return deserializer;
  }

  private static Map<String, Object> withCredentials(
      Map<String, Object> config, RegistryCredentials credentials) {
    if (credentials != null) {
      config.putAll(credentials.serdeConfig());
    }
    return config;
  }

  /** A value serde for generated record type {@code T}, e.g. for Kafka Streams. */
  public static <T extends SpecificRecord> Serde<T> serde(Class<T> type, String registryUrl) {
    return Serdes.serdeFrom(AvroSerdes.<T>serializer(registryUrl), deserializer(type, registryUrl));
  }
}
