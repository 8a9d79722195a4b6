package dev.junction.gateway.policy.ratelimit;

import dev.junction.gateway.policy.SharedState;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The bucket store (Redis when {@code junction.gateway.redis.url} is set), and the filter. */
@Configuration(proxyBeanMethods = false)
public class RateLimitConfiguration {

  @Bean(destroyMethod = "close")
  RateLimiter rateLimiter(RateLimitProperties properties, SharedState state) {
    return state
        .redis()
        .<RateLimiter>map(
            redis -> new RedisRateLimiter(redis, state.timeout(), properties.maxKeys()))
        .orElseGet(() -> new LocalRateLimiter(properties.maxKeys()));
  }

  @Bean
  RateLimitGatewayFilterFactory rateLimitGatewayFilterFactory(
      RateLimiter limiter, MeterRegistry meters) {
    return new RateLimitGatewayFilterFactory(limiter, meters);
  }
}
