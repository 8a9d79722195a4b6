package dev.junction.orchestrator.kafka;

import dev.junction.orchestrator.run.RunHistory;
import dev.junction.wire.RunSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Lists runs from this instance's history index stores: one store per partition, each sorted by
 * start time, merged newest first. Filters by workflow and status are applied while scanning, so a
 * page costs the index entries between two matches, never the runs' full states.
 *
 * <p>With several orchestrator instances each lists the runs of its own partitions.
 */
final class StreamsRunHistory implements RunHistory {

  private final RunStreams streams;
  private final String partitionedTopic;

  /**
   * @param partitionedTopic the source topic whose partitions number the tasks (the commands topic)
   */
  StreamsRunHistory(RunStreams streams, String partitionedTopic) {
    this.streams = streams;
    this.partitionedTopic = partitionedTopic;
  }

  @Override
  public Result list(Query query) {
    KafkaStreams current = streams.kafkaStreams();
    if (current == null || current.state() != KafkaStreams.State.RUNNING) {
      return new Unavailable("the run index is " + streams.state());
    }
    List<KeyValueIterator<String, RunSummary>> iterators = new ArrayList<>();
    try {
      String low = query.from() == null ? "0" : RunIndexKeys.from(query.from());
      String high = upperBound(query);
      for (int partition : localPartitions(current)) {
        ReadOnlyKeyValueStore<String, RunSummary> store =
            current.store(
                StoreQueryParameters.fromNameAndType(
                        RunTopology.INDEX_STORE,
                        QueryableStoreTypes.<String, RunSummary>keyValueStore())
                    .withPartition(partition));
        iterators.add(store.reverseRange(low, high));
      }
      return new Found(merge(iterators, query));
    } catch (InvalidStateStoreException e) {
      return new Unavailable("the run index is not queryable: " + e.getMessage());
    } finally {
      iterators.forEach(KeyValueIterator::close);
    }
  }

  /** The highest key to read: the end of the time range, or the cursor if lower. */
  private static String upperBound(Query query) {
    String high =
        query.to() == null
            ? RunIndexKeys.upTo(Instant.ofEpochMilli(9_999_999_999_999L))
            : RunIndexKeys.from(query.to());
    return query.before() != null && query.before().compareTo(high) < 0 ? query.before() : high;
  }

  private Set<Integer> localPartitions(KafkaStreams current) {
    Set<Integer> partitions = new TreeSet<>();
    current
        .metadataForLocalThreads()
        .forEach(
            thread ->
                thread
                    .activeTasks()
                    .forEach(
                        task ->
                            task.topicPartitions().stream()
                                .filter(tp -> tp.topic().equals(partitionedTopic))
                                .map(TopicPartition::partition)
                                .forEach(partitions::add)));
    return partitions;
  }

  private static Page merge(List<KeyValueIterator<String, RunSummary>> iterators, Query query) {
    record Head(KeyValue<String, RunSummary> entry, KeyValueIterator<String, RunSummary> rest) {}
    PriorityQueue<Head> heads =
        new PriorityQueue<>(Comparator.comparing((Head h) -> h.entry().key).reversed());
    for (KeyValueIterator<String, RunSummary> it : iterators) {
      if (it.hasNext()) {
        heads.add(new Head(it.next(), it));
      }
    }
    List<RunSummary> runs = new ArrayList<>();
    String lastKey = null;
    int scanned = 0;
    while (!heads.isEmpty() && runs.size() < query.limit()) {
      Head head = heads.poll();
      scanned++;
      // the range includes its upper bound: the cursor's own run was on the previous page
      boolean previousPage = head.entry().key.equals(query.before());
      if (!previousPage && query.matches(head.entry().value)) {
        runs.add(head.entry().value);
        lastKey = head.entry().key;
      }
      if (head.rest().hasNext()) {
        heads.add(new Head(head.rest().next(), head.rest()));
      }
    }
    boolean more = runs.size() == query.limit() && !heads.isEmpty();
    return new Page(runs, more ? lastKey : null, scanned);
  }
}
