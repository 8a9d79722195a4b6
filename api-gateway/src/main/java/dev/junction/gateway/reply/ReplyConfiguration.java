package dev.junction.gateway.reply;

import dev.junction.contract.tracing.KafkaTracing;
import dev.junction.contract.tracing.TracingConfiguration;
import dev.junction.gateway.GatewayProperties;
import dev.junction.gateway.JunctionProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Kafka request-reply: topics, the command producer, the reply consumer and their health; the
 * tracing of the commands.
 */
@Configuration(proxyBeanMethods = false)
@Import(TracingConfiguration.class)
public class ReplyConfiguration {

  /**
   * Before the web server's phase ({@code DEFAULT_PHASE - 2048}): the producer is warm and the
   * reply consumer positioned before the first request can arrive, and both stop after the server
   * has drained in-flight requests.
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  @Bean
  NewTopic commandTopic(GatewayProperties gateway, JunctionProperties junction) {
    return TopicBuilder.name(gateway.commandTopic())
        .partitions(junction.kafka().partitions())
        .build();
  }

  @Bean
  NewTopic replyTopic(GatewayProperties gateway, JunctionProperties junction) {
    return TopicBuilder.name(gateway.replyTopic())
        .partitions(junction.kafka().partitions())
        .build();
  }

  @Bean
  PendingReplies pendingReplies(GatewayProperties gateway, MeterRegistry meters) {
    PendingReplies pending = new PendingReplies(gateway.maxPending());
    Gauge.builder("junction.gateway.pending", pending, PendingReplies::size)
        .description("Requests awaiting a workflow reply")
        .register(meters);
    return pending;
  }

  @Bean
  KafkaWorkflowRequestSender workflowRequestSender(
      GatewayProperties gateway,
      JunctionProperties junction,
      KafkaProperties kafka,
      MeterRegistry meters,
      KafkaTracing tracing) {
    return new KafkaWorkflowRequestSender(
        gateway.commandTopic(),
        kafka.buildProducerProperties(),
        junction.registry().url(),
        junction.registry().credentials().orElse(null),
        meters,
        tracing,
        PHASE);
  }

  @Bean
  ReplyListener replyListener(
      GatewayProperties gateway,
      JunctionProperties junction,
      KafkaProperties kafka,
      KafkaAdmin admin,
      PendingReplies pending,
      MeterRegistry meters) {
    return new ReplyListener(
        gateway.replyTopic(),
        gateway.instanceIndex(),
        kafka.buildConsumerProperties(),
        junction.registry().url(),
        junction.registry().credentials().orElse(null),
        admin,
        pending,
        meters,
        PHASE);
  }

  @Bean
  ReplyConsumerHealthIndicator replyConsumerHealthIndicator(ReplyListener listener) {
    return new ReplyConsumerHealthIndicator(listener);
  }

  @Bean
  RequestReplyClient requestReplyClient(
      WorkflowRequestSender sender, PendingReplies pending, Clock clock, MeterRegistry meters) {
    return new RequestReplyClient(sender, pending, clock, meters);
  }
}
