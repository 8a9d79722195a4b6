package dev.junction.gateway.security;

import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.policy.cors.CatalogCorsWebFilter;
import dev.junction.gateway.policy.jwt.JwtAuthenticationManagerResolver;
import dev.junction.gateway.portal.PortalConfiguration;
import dev.junction.gateway.problem.ProblemWriter;
import dev.junction.gateway.subscription.SubscriptionKeyWebFilter;
import dev.junction.gateway.subscription.SubscriptionProperties;
import dev.junction.gateway.subscription.SubscriptionStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * Every request needs a valid JWT except the health probes, the developer portal's pages and its
 * token form. How a token is checked (trusted issuers, audiences, required claims) depends on the
 * operation called: {@link JwtAuthenticationManagerResolver}. Operation scopes are checked per
 * route by {@code ScopeCheckGatewayFilterFactory}. A token that passed its issuer's checks is
 * remembered for a while ({@link VerifiedTokenCache}). A call with a subscription key and no token
 * is authenticated by the key ({@link SubscriptionKeyWebFilter}).
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

  /**
   * No observation (trace span and timer) around each security filter, authentication and
   * authorization: they cost a tenth of the gateway's CPU per request. Requests are still timed and
   * counted as a whole ({@code http.server.requests}, {@code junction.gateway.requests}).
   */
  @Bean
  SecurityObservationSettings securityObservationSettings() {
    return SecurityObservationSettings.noObservations();
  }

  /** Spring Security's strict firewall, without a regular expression per header value. */
  @Bean
  ServerWebExchangeFirewall serverWebExchangeFirewall() {
    return RequestFirewall.strict();
  }

  @Bean
  SecurityWebFilterChain securityWebFilterChain(
      ServerHttpSecurity http,
      ProblemWriter problems,
      ApiCatalogService catalog,
      JwtAuthenticationManagerResolver tokens,
      SubscriptionStore subscriptions,
      SubscriptionProperties subscriptionProperties) {
    ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(problems);
    ProblemAccessDeniedHandler accessDenied = new ProblemAccessDeniedHandler(problems);
    return http
        // A token API: no cookies, no sessions, so no CSRF and nothing to save between requests.
        .csrf(ServerHttpSecurity.CsrfSpec::disable)
        .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
        .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
        .logout(ServerHttpSecurity.LogoutSpec::disable)
        .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
        .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
        // CORS per API, ahead of authentication: a browser's preflight carries no token
        .addFilterAt(new CatalogCorsWebFilter(catalog, problems), SecurityWebFiltersOrder.CORS)
        // a subscription key without a token authenticates the call; its route decides the rest
        .addFilterAt(
            new SubscriptionKeyWebFilter(subscriptions, problems, subscriptionProperties.header()),
            SecurityWebFiltersOrder.AUTHENTICATION)
        .authorizeExchange(
            exchanges ->
                exchanges
                    .pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/info")
                    .permitAll()
                    // the portal's pages are public; its data calls carry the visitor's token
                    .pathMatchers(HttpMethod.GET, PortalConfiguration.PUBLIC_PATHS)
                    .permitAll()
                    .pathMatchers(HttpMethod.POST, PortalConfiguration.TOKEN_PATH)
                    .permitAll()
                    .anyExchange()
                    .authenticated())
        .oauth2ResourceServer(
            oauth2 ->
                oauth2
                    .bearerTokenConverter(new BearerTokenConverter())
                    .authenticationManagerResolver(tokens)
                    .authenticationEntryPoint(entryPoint)
                    .accessDeniedHandler(accessDenied))
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(entryPoint).accessDeniedHandler(accessDenied))
        .build();
  }
}
