package dev.junction.gateway.subscription;

import dev.junction.gateway.GatewayProperties;
import dev.junction.gateway.JunctionProperties;
import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.policy.ratelimit.RateLimitGatewayFilterFactory;
import dev.junction.gateway.policy.ratelimit.RateLimiter;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Products, the subscription store on Kafka, the key checks and the subscriptions API. */
@Configuration(proxyBeanMethods = false)
public class SubscriptionConfiguration {

  /** Before the web server's phase: every subscription is read before the first request. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  @Bean
  NewTopic subscriptionsTopic(SubscriptionProperties properties) {
    // compacted: the topic is the store, each subscription's latest state kept for ever
    return TopicBuilder.name(properties.topic()).partitions(1).compact().build();
  }

  @Bean
  ProductService productService(GatewayProperties gateway, ApiCatalogService catalog) {
    ProductService service =
        new ProductService(Path.of(gateway.productsDir()), gateway.catalogScanInterval(), catalog);
    // like the catalog: an invalid product file stops the gateway, every problem named
    service.loadInitial();
    return service;
  }

  @Bean
  KafkaSubscriptionStore subscriptionStore(
      SubscriptionProperties properties,
      JunctionProperties junction,
      KafkaProperties kafka,
      NewTopic subscriptionsTopic) {
    return new KafkaSubscriptionStore(
        properties.topic(),
        kafka.buildConsumerProperties(),
        kafka.buildProducerProperties(),
        junction.registry().url(),
        junction.registry().credentials().orElse(null),
        properties.startupTimeout(),
        PHASE);
  }

  @Bean
  SubscriptionService subscriptionService(
      SubscriptionStore store,
      ProductService products,
      Clock clock,
      SubscriptionProperties properties) {
    return new SubscriptionService(store, products, clock, properties.operatorScope());
  }

  @Bean
  SubscriptionChecks subscriptionChecks(
      SubscriptionStore store,
      ProductService products,
      RateLimitGatewayFilterFactory rateLimit,
      SubscriptionProperties properties) {
    return new SubscriptionChecks(store, products, rateLimit, properties.header());
  }

  @Bean
  RouterFunction<ServerResponse> subscriptionRoutes(
      SubscriptionService subscriptions,
      RateLimiter limiter,
      ProductService products,
      SubscriptionProperties properties) {
    return new SubscriptionRoutes(
            subscriptions,
            new SubscriptionUsage(limiter, products),
            products,
            properties.operatorScope())
        .routes();
  }
}
