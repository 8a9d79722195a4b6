package dev.junction.gateway.policy.cache;

import dev.junction.gateway.policy.StoredResponse;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Responses in Redis ({@code SET PX}), shared by every instance. */
public final class RedisResponseCacheStore implements ResponseCacheStore {

  private final RedisReactiveCommands<byte[], byte[]> redis;
  private final JsonMapper json;
  private final Duration timeout;

  public RedisResponseCacheStore(
      StatefulRedisConnection<byte[], byte[]> connection, JsonMapper json, Duration timeout) {
    this.redis = connection.reactive();
    this.json = json;
    this.timeout = timeout;
  }

  @Override
  public Mono<StoredResponse> get(String key) {
    return redis
        .get(key.getBytes(StandardCharsets.UTF_8))
        .timeout(timeout)
        .map(bytes -> StoredResponse.fromJson(json.readTree(bytes)));
  }

  @Override
  public Mono<Void> put(String key, StoredResponse response, Duration ttl) {
    return redis
        .set(
            key.getBytes(StandardCharsets.UTF_8),
            json.writeValueAsBytes(response.toJson()),
            SetArgs.Builder.px(ttl.toMillis()))
        .timeout(timeout)
        .then();
  }
}
