package dev.junction.gateway.portal;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The health of the services behind the portal ({@code GET /portal/api/status}): this gateway (its
 * readiness, which includes its Kafka reply consumer), the orchestrator, the token issuer's keys
 * and the schema registry. Each is asked over HTTP with a timeout; a service that does not answer
 * is {@code DOWN} with the reason.
 */
public final class PortalStatus {

  /**
   * One service's health.
   *
   * @param status {@code UP}, {@code DOWN}, {@code OUT_OF_SERVICE} or {@code UNKNOWN}
   * @param detail why it is not up, or what was asked
   * @param millis how long the check took
   */
  public record Component(String name, String status, String detail, long millis) {}

  /**
   * Every service's health.
   *
   * @param status {@code UP} when every component is, else {@code DOWN}
   */
  public record Report(String status, List<Component> components) {}

  private final WebClient http;
  private final Supplier<Health> gateway;
  private final URI orchestratorHealth;
  private final URI issuerKeys;
  private final URI registryInfo;
  private final Duration timeout;

  /**
   * @param gateway this gateway's readiness
   * @param orchestratorHealth the orchestrator's {@code /actuator/health}
   * @param issuerKeys the JWKS the gateway checks tokens against
   * @param registryInfo the schema registry's {@code /system/info}
   */
  public PortalStatus(
      WebClient http,
      Supplier<Health> gateway,
      URI orchestratorHealth,
      URI issuerKeys,
      URI registryInfo,
      Duration timeout) {
    this.http = http;
    this.gateway = gateway;
    this.orchestratorHealth = orchestratorHealth;
    this.issuerKeys = issuerKeys;
    this.registryInfo = registryInfo;
    this.timeout = timeout;
  }

  public Mono<Report> check() {
    Mono<Component> self =
        Mono.fromSupplier(
            () -> {
              Health health = gateway.get();
              return new Component(
                  "api-gateway", health.getStatus().getCode(), "readiness (Kafka replies)", 0);
            });
    return Flux.concat(
            self,
            probe("orchestrator", orchestratorHealth, true),
            probe("token issuer", issuerKeys, false),
            probe("schema registry", registryInfo, false))
        .collectList()
        .map(
            components ->
                new Report(
                    components.stream().allMatch(c -> c.status().equals("UP")) ? "UP" : "DOWN",
                    components));
  }

  /**
   * @param actuator whether the answer is an actuator health document whose {@code status} counts;
   *     otherwise any 2xx answer is up
   */
  private Mono<Component> probe(String name, URI uri, boolean actuator) {
    long start = System.nanoTime();
    return http.get()
        .uri(uri)
        .exchangeToMono(
            response ->
                actuator
                    ? response
                        .bodyToMono(JsonNode.class)
                        .map(body -> body.path("status").asString("UNKNOWN"))
                        .defaultIfEmpty("UNKNOWN")
                    : response
                        .releaseBody()
                        .thenReturn(
                            response.statusCode().is2xxSuccessful()
                                ? "UP"
                                : "DOWN (HTTP " + response.statusCode().value() + ")"))
        .timeout(timeout)
        .map(
            status ->
                new Component(
                    name,
                    status.startsWith("DOWN") ? "DOWN" : status,
                    status.startsWith("DOWN (")
                        ? status.substring("DOWN (".length(), status.length() - 1) + " from " + uri
                        : uri.toString(),
                    elapsed(start)))
        .onErrorResume(
            error ->
                Mono.just(
                    new Component(
                        name,
                        "DOWN",
                        uri + ": " + error.getClass().getSimpleName() + " " + error.getMessage(),
                        elapsed(start))));
  }

  private static long elapsed(long start) {
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }
}
