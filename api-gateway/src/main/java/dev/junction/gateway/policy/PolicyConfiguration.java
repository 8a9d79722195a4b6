package dev.junction.gateway.policy;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** State the policies share between instances. */
@Configuration(proxyBeanMethods = false)
public class PolicyConfiguration {

  @Bean(destroyMethod = "close")
  SharedState sharedState(RedisProperties properties) {
    return new SharedState(properties);
  }
}
