package dev.junction.orchestrator.kafka;

import dev.junction.orchestrator.run.RunLookup;
import dev.junction.wire.RunState;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Reads runs from this instance's run store (Kafka Streams interactive queries). A run of a
 * partition another instance owns is reported {@link Elsewhere} with that instance's address, taken
 * from Kafka Streams' metadata ({@code application.server} of each instance).
 */
final class StreamsRunLookup implements RunLookup {

  private final RunStreams streams;
  private final HostInfo self;

  /**
   * @param self this instance's advertised address, or {@code null} when it advertises none (one
   *     instance, or forwarding off)
   */
  StreamsRunLookup(RunStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  @Override
  public Result find(String runId) {
    KafkaStreams current = streams.kafkaStreams();
    if (current == null || current.state() != KafkaStreams.State.RUNNING) {
      return new Unavailable("the run store is " + streams.state());
    }
    try {
      RunState run = streams.store().get(runId);
      if (run != null) {
        return new Found(run);
      }
      if (self == null) {
        return new NotFound();
      }
      KeyQueryMetadata owner =
          current.queryMetadataForKey(RunTopology.STORE, runId, Serdes.String().serializer());
      if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
        return new Unavailable("the owner of run " + runId + " is not known yet (rebalancing)");
      }
      HostInfo active = owner.activeHost();
      return active.equals(self) ? new NotFound() : new Elsewhere(url(active));
    } catch (InvalidStateStoreException e) {
      return new Unavailable("the run store is not queryable: " + e.getMessage());
    }
  }

  @Override
  public List<String> otherInstances() {
    KafkaStreams current = streams.kafkaStreams();
    if (current == null || self == null) {
      return List.of();
    }
    return current.streamsMetadataForStore(RunTopology.INDEX_STORE).stream()
        .map(metadata -> metadata.hostInfo())
        .filter(host -> !Objects.equals(host, self) && host.port() > 0)
        .distinct()
        .map(StreamsRunLookup::url)
        .toList();
  }

  private static String url(HostInfo host) {
    return "http://" + host.host() + ":" + host.port();
  }
}
