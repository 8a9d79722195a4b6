package dev.junction.gateway.routing;

import dev.junction.gateway.GatewayProperties;
import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.catalog.CatalogException;
import dev.junction.gateway.catalog.CatalogLoader;
import dev.junction.gateway.openapi.OpenApiExporter;
import dev.junction.gateway.passthrough.BackendCircuitBreakers;
import dev.junction.gateway.passthrough.MockResponseGatewayFilterFactory;
import dev.junction.gateway.passthrough.PassThroughRoutes;
import dev.junction.gateway.policy.cache.ResponseCacheGatewayFilterFactory;
import dev.junction.gateway.policy.idempotency.IdempotencyGatewayFilterFactory;
import dev.junction.gateway.policy.jwt.TrustedIssuers;
import dev.junction.gateway.policy.ratelimit.RateLimitGatewayFilterFactory;
import dev.junction.gateway.problem.ProblemWriter;
import dev.junction.gateway.reply.RequestReplyClient;
import dev.junction.gateway.schema.JsonAvroConverter;
import dev.junction.gateway.subscription.SubscriptionChecks;
import dev.junction.gateway.transform.NamedValues;
import dev.junction.gateway.transform.NamedValuesProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.filter.factory.PrefixPathGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.RetryGatewayFilterFactory;
import org.springframework.cloud.gateway.filter.factory.StripPrefixGatewayFilterFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The API catalog and the routes built from it. */
@Configuration(proxyBeanMethods = false)
public class RoutingConfiguration {

  @Bean
  ApiCatalogService apiCatalogService(
      GatewayProperties gateway,
      NamedValuesProperties namedValuesProperties,
      ApplicationEventPublisher events,
      TrustedIssuers issuers) {
    NamedValues namedValues = new NamedValues(namedValuesProperties.namedValues(), System::getenv);
    List<String> invalid = namedValues.configurationProblems();
    if (!invalid.isEmpty()) {
      throw new CatalogException("junction.gateway.named-values", invalid);
    }
    ApiCatalogService service =
        new ApiCatalogService(
            Path.of(gateway.catalogDir()),
            new CatalogLoader(gateway.defaultTimeout(), namedValues, issuers.names()),
            gateway.catalogScanInterval(),
            catalog -> events.publishEvent(new RefreshRoutesEvent(catalog)));
    // At start-up an invalid catalog stops the gateway, with every problem in the message.
    service.loadInitial();
    return service;
  }

  @Bean
  JsonAvroConverter jsonAvroConverter(JsonMapper json) {
    return new JsonAvroConverter(json);
  }

  @Bean
  ScopeCheckGatewayFilterFactory scopeCheckGatewayFilterFactory(ProblemWriter problems) {
    return new ScopeCheckGatewayFilterFactory(problems);
  }

  @Bean
  BodyValidationGatewayFilterFactory bodyValidationGatewayFilterFactory(
      JsonAvroConverter converter, ProblemWriter problems, GatewayProperties gateway) {
    return new BodyValidationGatewayFilterFactory(
        converter, problems, Math.toIntExact(gateway.maxBodySize().toBytes()));
  }

  @Bean
  MethodNotAllowedGatewayFilterFactory methodNotAllowedGatewayFilterFactory(
      ProblemWriter problems) {
    return new MethodNotAllowedGatewayFilterFactory(problems);
  }

  @Bean
  WorkflowGatewayFilterFactory workflowGatewayFilterFactory(
      RequestReplyClient client,
      ProblemWriter problems,
      JsonMapper json,
      JsonAvroConverter converter,
      GatewayProperties gateway,
      Clock clock) {
    return new WorkflowGatewayFilterFactory(
        client,
        new WorkflowResponses(problems, json, converter),
        problems,
        gateway.replyTopic(),
        gateway.instanceIndex(),
        Math.toIntExact(gateway.maxBodySize().toBytes()),
        clock);
  }

  @Bean
  CatalogRouteLocator catalogRouteLocator(
      ApiCatalogService catalog,
      GatewayProperties gateway,
      ScopeCheckGatewayFilterFactory scopeCheck,
      BodyValidationGatewayFilterFactory bodyValidation,
      WorkflowGatewayFilterFactory workflow,
      MethodNotAllowedGatewayFilterFactory methodNotAllowed,
      PassThroughRoutes passThrough,
      JsonMapper json,
      RateLimitGatewayFilterFactory rateLimit,
      IdempotencyGatewayFilterFactory idempotency,
      ResponseCacheGatewayFilterFactory cache,
      SubscriptionChecks subscriptions,
      Clock clock) {
    return new CatalogRouteLocator(
        catalog,
        gateway.orchestratorUrl(),
        scopeCheck,
        bodyValidation,
        workflow,
        methodNotAllowed,
        passThrough,
        new MockResponseGatewayFilterFactory(),
        new OpenApiExporter(json),
        rateLimit,
        idempotency,
        cache,
        subscriptions,
        clock);
  }

  @Bean
  BackendCircuitBreakers backendCircuitBreakers(MeterRegistry meters) {
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
    return new BackendCircuitBreakers(breakers);
  }

  @Bean
  PassThroughRoutes passThroughRoutes(
      StripPrefixGatewayFilterFactory stripPrefix,
      PrefixPathGatewayFilterFactory prefixPath,
      RetryGatewayFilterFactory retry,
      BackendCircuitBreakers breakers) {
    return new PassThroughRoutes(stripPrefix, prefixPath, retry, breakers);
  }

  @Bean
  RequestMetricsFilter requestMetricsFilter(MeterRegistry meters) {
    return new RequestMetricsFilter(meters);
  }
}
