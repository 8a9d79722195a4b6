package dev.junction.gateway.policy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis connection that policies share between gateway instances (rate-limit buckets,
 * idempotency records), when {@code junction.gateway.redis.url} is set; otherwise each instance
 * keeps that state in memory.
 */
public final class SharedState implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SharedState.class);

  private final RedisClient client;
  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final Duration timeout;

  public SharedState(RedisProperties properties) {
    this.timeout = properties.timeout();
    if (properties.url() == null || properties.url().isBlank()) {
      this.client = null;
      this.connection = null;
      log.info("Rate-limit buckets and idempotency records are kept in this instance's memory");
      return;
    }
    RedisURI uri = RedisURI.create(properties.url());
    uri.setTimeout(properties.timeout());
    this.client = RedisClient.create(uri);
    this.connection = client.connect(ByteArrayCodec.INSTANCE);
    log.info(
        "Rate-limit buckets and idempotency records are shared in Redis at {}:{}",
        uri.getHost(),
        uri.getPort());
  }

  /** The shared connection, when Redis is configured. */
  public Optional<StatefulRedisConnection<byte[], byte[]>> redis() {
    return Optional.ofNullable(connection);
  }

  /** Longest wait for Redis per call. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
      client.shutdown();
    }
  }
}
