package dev.junction.gateway.policy.ratelimit;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The bucket store chosen by {@code junction.gateway.rate-limit.redis-url}, and the filter. */
@Configuration(proxyBeanMethods = false)
public class RateLimitConfiguration {

  private static final Logger log = LoggerFactory.getLogger(RateLimitConfiguration.class);

  @Bean(destroyMethod = "close")
  RateLimiter rateLimiter(RateLimitProperties properties) {
    if (properties.usesRedis()) {
      log.info("Rate-limit buckets are shared in Redis at {}", properties.redisUrl());
      return new RedisRateLimiter(
          properties.redisUrl(), properties.redisTimeout(), properties.maxKeys());
    }
    log.info("Rate-limit buckets are kept in this instance's memory");
    return new LocalRateLimiter(properties.maxKeys());
  }

  @Bean
  RateLimitGatewayFilterFactory rateLimitGatewayFilterFactory(
      RateLimiter limiter, MeterRegistry meters) {
    return new RateLimitGatewayFilterFactory(limiter, meters);
  }
}
