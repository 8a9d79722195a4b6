package dev.junction.gateway.policy.idempotency;

import dev.junction.gateway.policy.SharedState;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The idempotency store (Redis when {@code junction.gateway.redis.url} is set), and the filter. */
@Configuration(proxyBeanMethods = false)
public class IdempotencyConfiguration {

  /** Most records kept in memory without Redis. */
  private static final long MAX_KEYS = 100_000;

  @Bean
  IdempotencyGatewayFilterFactory idempotencyGatewayFilterFactory(
      SharedState state, JsonMapper json) {
    IdempotencyStore store =
        state
            .redis()
            .<IdempotencyStore>map(redis -> new RedisIdempotencyStore(redis, json, state.timeout()))
            .orElseGet(() -> new MemoryIdempotencyStore(MAX_KEYS));
    return new IdempotencyGatewayFilterFactory(store);
  }
}
