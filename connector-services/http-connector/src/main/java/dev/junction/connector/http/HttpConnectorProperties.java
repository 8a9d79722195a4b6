package dev.junction.connector.http;

import dev.junction.connector.http.auth.AuthSettings;
import dev.junction.connector.http.call.HttpConnection;
import dev.junction.connector.http.resilience.ResilienceSettings;
import dev.junction.connector.http.tls.TlsSettings;
import dev.junction.connector.support.ConnectorSettings;
import dev.junction.contract.Topics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;
import tools.jackson.databind.json.JsonMapper;

/**
 * Settings of the HTTP connector ({@code junction.http-connector.*}).
 *
 * @param connections named backends that workflow steps refer to by {@code connection:}; a command
 *     naming any other connection is answered with {@code FATAL_ERROR}
 * @param commandTopic topic the connector consumes {@code InvokeConnector} commands from; its
 *     dead-letter topic is {@code <commandTopic>-dlt}
 * @param groupId consumer group of the connector's instances (they share the command topic's
 *     partitions)
 * @param concurrency consumer threads per instance; more than the command topic's partitions is
 *     useless
 * @param duplicateWindow how many recent results (by idempotency key) are remembered, so that a
 *     redelivered command is answered again without calling the backend a second time
 */
@Validated
@ConfigurationProperties("junction.http-connector")
public record HttpConnectorProperties(
    @DefaultValue Map<String, @Valid @NotNull Connection> connections,
    @DefaultValue(DEFAULT_COMMAND_TOPIC) @NotBlank String commandTopic,
    @DefaultValue(CONNECTOR_NAME) @NotBlank String groupId,
    @DefaultValue("8") @Positive int concurrency,
    @DefaultValue("10000") @Positive int duplicateWindow) {

  /**
   * The connector's name: its command topic, consumer group and CloudEvents source derive from it.
   */
  public static final String CONNECTOR_NAME = "http-connector";

  /** Same as {@code Topics.connectorCommands(CONNECTOR_NAME)}, as a constant for the annotation. */
  public static final String DEFAULT_COMMAND_TOPIC = CONNECTOR_NAME + Topics.COMMANDS_SUFFIX;

  /**
   * One backend.
   *
   * @param baseUrl absolute {@code http}/{@code https} URL every call of this connection goes under
   *     (no query, fragment or user info); a step's {@code path} is appended to it
   * @param timeout the longest a command may take on this connection, retries included; one attempt
   *     runs from sending the request to the last byte of the response
   * @param resilience retry, circuit breaker and bulkhead of this connection
   * @param auth how the connector authenticates to the backend
   * @param tls client certificate (mutual TLS) and trusted CAs of {@code https} calls
   */
  public record Connection(
      @NotNull URI baseUrl,
      @DefaultValue("10s") @NotNull Duration timeout,
      @DefaultValue @Valid @NotNull ResilienceSettings resilience,
      @DefaultValue @NotNull AuthSettings auth,
      @DefaultValue @NotNull TlsSettings tls) {}

  /** What the shared connector plumbing needs. */
  public ConnectorSettings connectorSettings() {
    return new ConnectorSettings(
        CONNECTOR_NAME, commandTopic, groupId, concurrency, duplicateWindow);
  }

  /**
   * The connections as the call layer sees them; validates each base URL and timeout, so a bad one
   * stops the service at start-up instead of failing every call.
   */
  public Map<String, HttpConnection> httpConnections() {
    return httpConnections(null, null, null);
  }

  /**
   * As {@link #httpConnections()}, with what {@code oauth2-client-credentials} connections need to
   * fetch their tokens.
   */
  public Map<String, HttpConnection> httpConnections(
      HttpClient tokenHttp, JsonMapper json, Clock clock) {
    Map<String, HttpConnection> result = new TreeMap<>();
    connections.forEach(
        (name, connection) ->
            result.put(
                name,
                new HttpConnection(
                    name,
                    connection.baseUrl(),
                    connection.timeout(),
                    connection.auth().authentication(name, tokenHttp, json, clock),
                    connection.tls().sslContext(name))));
    return Map.copyOf(result);
  }
}
