package dev.junction.connector.support.kafka;

import dev.junction.connector.support.ConnectorSettings;
import dev.junction.connector.support.JunctionProperties;
import dev.junction.connector.support.invoke.Connector;
import dev.junction.connector.support.invoke.Invoker;
import dev.junction.contract.Topics;
import dev.junction.contract.kafka.AvroSerdes;
import dev.junction.contract.tracing.KafkaTracing;
import dev.junction.contract.tracing.TracingConfiguration;
import dev.junction.wire.InvokeConnector;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.core.MicrometerProducerListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;

/**
 * The plumbing of a connector service, to {@code @Import} into its application: the {@link Invoker}
 * around the service's {@link Connector} bean, topics, the command consumer, the reply and
 * dead-letter producers, the error handler and the listener container. The service declares a
 * {@link ConnectorSettings} bean and a {@link Connector} bean.
 *
 * <p>Delivery is at least once. Offsets are committed asynchronously ({@code syncCommits=false}),
 * at most once per second ({@link #COMMIT_INTERVAL}), and when partitions are revoked: a
 * synchronous commit would hold the consumer thread for the broker's commit round trip (held up to
 * {@code group.coordinator.append.linger.ms}, 5 ms by default) before the next command is read, and
 * a commit per poll costs the broker a request and an append per command. Commits still follow the
 * replies (a reply is acknowledged before the listener returns), so an uncommitted or lost commit
 * only means the commands of the last second may be redelivered after a crash: this instance then
 * answers them from its recent results without calling the backend again (or the connector
 * deduplicates itself, as the sql-connector does in the database; after a crash the backend sees
 * the command's idempotency key again), and the orchestrator ignores the duplicate reply by run,
 * step and attempt.
 */
@Configuration(proxyBeanMethods = false)
@Import(TracingConfiguration.class)
@EnableConfigurationProperties(JunctionProperties.class)
public class ConnectorKafkaConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ConnectorKafkaConfiguration.class);

  /** How often a consumer commits the offsets of the commands it has answered. */
  private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

  /** Redeliveries of a command whose reply could not be published, one second apart. */
  private static final FixedBackOff REPLY_RETRIES = new FixedBackOff(1_000L, 2L);

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  Invoker invoker(
      Connector connector, ConnectorSettings settings, MeterRegistry meters, Clock clock) {
    return new Invoker(connector, settings.name(), meters, clock, settings.duplicateWindow());
  }

  @Bean
  NewTopic commandTopic(ConnectorSettings settings, JunctionProperties junction) {
    return TopicBuilder.name(settings.commandTopic())
        .partitions(junction.kafka().partitions())
        .build();
  }

  @Bean
  NewTopic commandDeadLetterTopic(ConnectorSettings settings, JunctionProperties junction) {
    return TopicBuilder.name(settings.deadLetterTopic())
        .partitions(junction.kafka().partitions())
        .build();
  }

  @Bean
  ConsumerFactory<String, InvokeConnector> commandConsumerFactory(
      KafkaProperties kafka, JunctionProperties junction, MeterRegistry meters) {
    Map<String, Object> config = kafka.buildConsumerProperties();
    config.putAll(AvroSerdes.deserializerConfig(junction.registry().url()));
    config.put(
        SerdeConfig.DESERIALIZER_SPECIFIC_VALUE_RETURN_CLASS, InvokeConnector.class.getName());
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    // Bytes that are not an InvokeConnector become a DeserializationException for the error
    // handler (and then a dead letter) instead of failing the poll for the whole partition.
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ErrorHandlingDeserializer.class);
    config.put(ErrorHandlingDeserializer.VALUE_DESERIALIZER_CLASS, AvroKafkaDeserializer.class);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Defaults for the request path; spring.kafka.consumer.* still overrides them.
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    DefaultKafkaConsumerFactory<String, InvokeConnector> factory =
        new DefaultKafkaConsumerFactory<>(config);
    // each consumer's own metrics (kafka.consumer.*: records lag, fetch rates) while it lives
    factory.addListener(new MicrometerConsumerListener<>(meters));
    return factory;
  }

  /** Replies (and dead letters of readable commands): Avro, sent at once, durably. */
  @Bean
  KafkaTemplate<String, SpecificRecord> replyTemplate(
      KafkaProperties kafka, JunctionProperties junction, MeterRegistry meters) {
    Map<String, Object> config = kafka.buildProducerProperties();
    config.putAll(AvroSerdes.serializerConfig(junction.registry().url()));
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
    requestPath(config);
    DefaultKafkaProducerFactory<String, SpecificRecord> factory =
        new DefaultKafkaProducerFactory<>(config);
    factory.addListener(new MicrometerProducerListener<>(meters));
    return withoutPayloadLogging(new KafkaTemplate<>(factory));
  }

  /** Dead letters of unreadable records: the value bytes exactly as received. */
  @Bean
  KafkaTemplate<String, byte[]> deadLetterTemplate(KafkaProperties kafka) {
    Map<String, Object> config = kafka.buildProducerProperties();
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    requestPath(config);
    return withoutPayloadLogging(new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config)));
  }

  /** Send failures are still logged, but never with the record's key and value (payloads). */
  private static <K, V> KafkaTemplate<K, V> withoutPayloadLogging(KafkaTemplate<K, V> template) {
    LoggingProducerListener<K, V> listener = new LoggingProducerListener<>();
    listener.setIncludeContents(false);
    template.setProducerListener(listener);
    return template;
  }

  private static void requestPath(Map<String, Object> config) {
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
  }

  @Bean
  ReplyPublisher replyPublisher(
      KafkaTemplate<String, SpecificRecord> replyTemplate,
      ConnectorSettings settings,
      Clock clock,
      KafkaTracing tracing) {
    return new ReplyPublisher(replyTemplate, settings, clock, tracing);
  }

  @Bean
  CommandListener commandListener(Invoker invoker, ReplyPublisher replies, KafkaTracing tracing) {
    return new CommandListener(invoker, replies, tracing);
  }

  @Bean
  DefaultErrorHandler commandErrorHandler(
      KafkaTemplate<String, byte[]> deadLetterTemplate,
      KafkaTemplate<String, SpecificRecord> replyTemplate) {
    // The template is chosen by the value's type: the bytes of a record that failed to
    // deserialize (and null values) go out raw; a readable command whose reply could not be
    // published goes out as the Avro record it was.
    Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();
    templates.put(byte[].class, deadLetterTemplate);
    templates.put(SpecificRecord.class, replyTemplate);
    DeadLetterPublishingRecoverer deadLetters =
        new DeadLetterPublishingRecoverer(
            templates,
            // partition -1: let the producer choose, so the dead-letter topic may have any count
            (record, exception) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
    ConsumerAwareRecordRecoverer recoverer =
        (record, consumer, exception) -> {
          log.warn(
              "Dead-lettering record {}-{}@{} to {}: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              Topics.deadLetter(record.topic()),
              reason(exception));
          deadLetters.accept(record, consumer, exception);
        };
    DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, REPLY_RETRIES);
    handler.addNotRetryableExceptions(UnreadableCommandException.class);
    return handler;
  }

  /** The innermost cause's type and message: deserializer messages name no payload bytes. */
  private static String reason(Exception exception) {
    Throwable cause = exception;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  @Bean
  ConcurrentMessageListenerContainer<String, InvokeConnector> commandContainer(
      ConsumerFactory<String, InvokeConnector> commandConsumerFactory,
      CommandListener listener,
      DefaultErrorHandler commandErrorHandler,
      ConnectorSettings settings) {
    ContainerProperties container = new ContainerProperties(settings.commandTopic());
    container.setGroupId(settings.groupId());
    container.setClientId(settings.name());
    // commits: see the class comment
    container.setAckMode(ContainerProperties.AckMode.TIME);
    container.setAckTime(COMMIT_INTERVAL.toMillis());
    container.setSyncCommits(false);
    container.setMessageListener(listener);
    ConcurrentMessageListenerContainer<String, InvokeConnector> result =
        new ConcurrentMessageListenerContainer<>(commandConsumerFactory, container);
    result.setConcurrency(settings.concurrency());
    result.setCommonErrorHandler(commandErrorHandler);
    return result;
  }
}
