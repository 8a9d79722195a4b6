package dev.junction.orchestrator.kafka;

import dev.junction.orchestrator.run.RunLookup;
import dev.junction.wire.RunState;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * Reads runs from this instance's run store (Kafka Streams interactive queries).
 *
 * <p>TODO(issue 3): with several instances a run may live in another instance's store; look up its
 * host with {@code KafkaStreams.queryMetadataForKey} and forward the request there.
 */
final class StreamsRunLookup implements RunLookup {

  private final RunStreams streams;

  StreamsRunLookup(RunStreams streams) {
    this.streams = streams;
  }

  @Override
  public Result find(String runId) {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      return new Unavailable("the run store is " + state);
    }
    try {
      RunState run = streams.store().get(runId);
      return run == null ? new NotFound() : new Found(run);
    } catch (InvalidStateStoreException e) {
      return new Unavailable("the run store is not queryable: " + e.getMessage());
    }
  }
}
