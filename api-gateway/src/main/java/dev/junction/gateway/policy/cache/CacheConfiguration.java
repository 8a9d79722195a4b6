package dev.junction.gateway.policy.cache;

import dev.junction.gateway.policy.SharedState;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The response cache store (Redis when {@code junction.gateway.redis.url} is set). */
@Configuration(proxyBeanMethods = false)
public class CacheConfiguration {

  /** Most responses kept in memory without Redis. */
  private static final long MAX_ENTRIES = 10_000;

  @Bean
  ResponseCacheGatewayFilterFactory responseCacheGatewayFilterFactory(
      SharedState state, JsonMapper json, MeterRegistry meters, Clock clock) {
    ResponseCacheStore store =
        state
            .redis()
            .<ResponseCacheStore>map(
                redis -> new RedisResponseCacheStore(redis, json, state.timeout()))
            .orElseGet(() -> new MemoryResponseCacheStore(MAX_ENTRIES));
    return new ResponseCacheGatewayFilterFactory(store, meters, clock);
  }
}
