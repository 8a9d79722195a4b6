package dev.junction.orchestrator.kafka;

import dev.junction.contract.Topics;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the orchestrator uses when they are missing (brokers run with {@code
 * auto.create.topics.enable=false}). Existing topics are never changed: adding partitions to a
 * keyed topic would move runs to other partitions.
 */
public final class TopicProvisioner {

  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final long TIMEOUT_SECONDS = 30;

  private final Map<String, Object> adminConfig;
  private final int partitions;
  private final short replicationFactor;

  public TopicProvisioner(
      Map<String, Object> adminConfig, int partitions, short replicationFactor) {
    this.adminConfig = Map.copyOf(adminConfig);
    this.partitions = partitions;
    this.replicationFactor = replicationFactor;
  }

  /** Creates the command topics of the given connectors if missing. */
  public void ensureConnectorTopics(Collection<String> connectors) {
    ensure(connectors.stream().map(Topics::connectorCommands).collect(Collectors.toSet()));
  }

  /**
   * Creates missing topics.
   *
   * @throws KafkaException when the broker cannot be reached or refuses
   */
  public void ensure(Set<String> topics) {
    try (Admin admin = Admin.create(adminConfig)) {
      Set<String> existing = await(admin.listTopics().names(), "list topics");
      List<NewTopic> missing =
          topics.stream()
              .filter(topic -> !existing.contains(topic))
              .sorted()
              .map(
                  topic ->
                      new NewTopic(
                          topic,
                          Optional.of(partitions),
                          replicationFactor < 0
                              ? Optional.empty()
                              : Optional.of(replicationFactor)))
              .toList();
      if (missing.isEmpty()) {
        return;
      }
      admin.createTopics(missing).values().forEach((topic, future) -> awaitCreated(topic, future));
    }
  }

  /**
   * Creates a compacted single-partition topic if missing: a small keyed table read whole at start
   * (e.g. the archive of workflow definitions), where only the last value of a key matters.
   */
  public void ensureCompacted(String topic) {
    try (Admin admin = Admin.create(adminConfig)) {
      if (await(admin.listTopics().names(), "list topics").contains(topic)) {
        return;
      }
      NewTopic compacted =
          new NewTopic(
                  topic,
                  Optional.of(1),
                  replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor))
              .configs(Map.of("cleanup.policy", "compact"));
      awaitCreated(topic, admin.createTopics(List.of(compacted)).values().get(topic));
    }
  }

  /**
   * Fails when two topics have different partition counts: a run's request and its connectors'
   * replies must reach the same task, which owns the run's state.
   */
  public void requireCoPartitioned(String first, String second) {
    try (Admin admin = Admin.create(adminConfig)) {
      Map<String, TopicDescription> topics = describe(admin, first, second);
      int a = topics.get(first).partitions().size();
      int b = topics.get(second).partitions().size();
      if (a != b) {
        throw new IllegalStateException(
            "topics "
                + first
                + " ("
                + a
                + " partitions) and "
                + second
                + " ("
                + b
                + " partitions) must have the same number of partitions: both are keyed by run id");
      }
    }
  }

  /**
   * Describes the two topics, waiting while the broker does not know one yet: a topic that another
   * service has just created (services may start side by side) can be listed before it is
   * described.
   */
  private static Map<String, TopicDescription> describe(Admin admin, String first, String second) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    while (true) {
      try {
        return await(
            admin.describeTopics(List.of(first, second)).allTopicNames(),
            "describe topics " + first + " and " + second);
      } catch (KafkaException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new KafkaException("cannot " + what, e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("timed out trying to " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted trying to " + what, e);
    }
  }

  private static void awaitCreated(String topic, KafkaFuture<Void> future) {
    try {
      future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("Created topic {}", topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        // another instance or service created it meanwhile
        return;
      }
      throw new KafkaException("cannot create topic " + topic, e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("timed out creating topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while creating topic " + topic, e);
    }
  }
}
