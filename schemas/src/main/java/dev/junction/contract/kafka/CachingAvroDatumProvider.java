package dev.junction.contract.kafka;

import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;

/**
 * Apicurio's datum provider, with the datum writers and readers it builds kept for reuse. The
 * default builds a new {@code SpecificDatumWriter}/{@code SpecificDatumReader} for every record,
 * which profiling showed to be about a third of the orchestrator's CPU under load. Each thread
 * keeps its own, as Avro's datum readers and writers are not meant to be shared between threads.
 */
public final class CachingAvroDatumProvider<T> extends DefaultAvroDatumProvider<T> {

  /** Past this many schemas a thread's cache starts over: a bound, not a working set. */
  private static final int MAX_SCHEMAS = 256;

  private final ThreadLocal<Map<Schema, DatumWriter<T>>> writers =
      ThreadLocal.withInitial(IdentityHashMap::new);
  private final ThreadLocal<Map<Schema, DatumReader<T>>> readers =
      ThreadLocal.withInitial(HashMap::new);

  @Override
  public DatumWriter<T> createDatumWriter(T data, Schema schema) {
    // a record's schema is its class's own Schema object: identity is the cheap, exact key
    Map<Schema, DatumWriter<T>> cache = bounded(writers.get());
    DatumWriter<T> writer = cache.get(schema);
    if (writer == null) {
      writer = super.createDatumWriter(data, schema);
      cache.put(schema, writer);
    }
    return writer;
  }

  @Override
  public DatumReader<T> createDatumReader(Schema schema) {
    // writer schemas come from the registry client's cache; equal schemas share a reader
    Map<Schema, DatumReader<T>> cache = bounded(readers.get());
    DatumReader<T> reader = cache.get(schema);
    if (reader == null) {
      reader = super.createDatumReader(schema);
      cache.put(schema, reader);
    }
    return reader;
  }

  private static <V> Map<Schema, V> bounded(Map<Schema, V> cache) {
    if (cache.size() > MAX_SCHEMAS) {
      cache.clear();
    }
    return cache;
  }
}
