package dev.junction.gateway.policy.jwt;

import dev.junction.gateway.security.TokenCacheProperties;
import dev.junction.gateway.security.VerifiedTokenCache;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/** The trusted issuers and the per-API choice of how a bearer token is checked. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({JwtProperties.class, TokenCacheProperties.class})
public class JwtConfiguration {

  @Bean
  TrustedIssuers trustedIssuers(
      JwtProperties properties, OAuth2ResourceServerProperties resourceServer, Clock clock) {
    return TrustedIssuers.from(properties, resourceServer.getJwt(), WebClient.create(), clock);
  }

  @Bean
  TokenVerifier tokenVerifier(TrustedIssuers issuers, TokenCacheProperties cache) {
    return new TokenVerifier(issuers, new VerifiedTokenCache(cache.maxAge(), cache.maxTokens()));
  }

  @Bean
  JwtAuthenticationManagerResolver jwtAuthenticationManagerResolver(
      ObjectProvider<RouteLocator> routes, TrustedIssuers issuers, TokenVerifier verifier) {
    return new JwtAuthenticationManagerResolver(routes::getObject, issuers, verifier);
  }
}
