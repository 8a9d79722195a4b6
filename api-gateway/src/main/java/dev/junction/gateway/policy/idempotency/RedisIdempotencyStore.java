package dev.junction.gateway.policy.idempotency;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records in Redis, shared by every instance: a claim is {@code SET key value NX PX ttl}, so of two
 * instances receiving the same key at once exactly one runs the request.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

  private final RedisReactiveCommands<byte[], byte[]> redis;
  private final JsonMapper json;
  private final Duration timeout;

  public RedisIdempotencyStore(
      StatefulRedisConnection<byte[], byte[]> connection, JsonMapper json, Duration timeout) {
    this.redis = connection.reactive();
    this.json = json;
    this.timeout = timeout;
  }

  @Override
  public Mono<IdempotencyRecord> claim(String key, String fingerprint, Duration ttl) {
    byte[] value = new IdempotencyRecord(fingerprint, null).toBytes(json);
    return redis
        .set(bytes(key), value, SetArgs.Builder.nx().px(ttl.toMillis()))
        .timeout(timeout)
        .map(ok -> true)
        .defaultIfEmpty(false)
        // not set: someone holds the key, whose record is answered (if it expired in between,
        // nobody holds it any more and this call goes ahead as if it had claimed it)
        .flatMap(claimed -> claimed ? Mono.<IdempotencyRecord>empty() : get(key));
  }

  @Override
  public Mono<IdempotencyRecord> get(String key) {
    return redis
        .get(bytes(key))
        .timeout(timeout)
        .map(value -> IdempotencyRecord.fromBytes(value, json));
  }

  @Override
  public Mono<Void> complete(String key, IdempotencyRecord record, Duration ttl) {
    return redis
        .set(bytes(key), record.toBytes(json), SetArgs.Builder.px(ttl.toMillis()))
        .timeout(timeout)
        .then();
  }

  @Override
  public Mono<Void> release(String key) {
    return redis.del(bytes(key)).timeout(timeout).then();
  }

  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
