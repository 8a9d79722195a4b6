package dev.junction.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.connector.http.auth.AuthSettings;
import dev.junction.connector.http.call.HttpConnection;
import dev.junction.connector.http.resilience.ResilienceSettings;
import dev.junction.connector.http.tls.TlsSettings;
import dev.junction.contract.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpConnectorPropertiesTest {

  @Test
  void theDefaultCommandTopicIsTheConnectorsTopic() {
    assertThat(HttpConnectorProperties.DEFAULT_COMMAND_TOPIC)
        .isEqualTo(Topics.connectorCommands("http-connector"));
  }

  @Test
  void connectionsBecomeNamedHttpConnections() {
    HttpConnectorProperties properties =
        new HttpConnectorProperties(
            Map.of(
                "orders",
                new HttpConnectorProperties.Connection(
                    URI.create("http://127.0.0.1:9100"),
                    Duration.ofSeconds(3),
                    ResilienceSettings.defaults(),
                    AuthSettings.none(),
                    TlsSettings.none())),
            HttpConnectorProperties.DEFAULT_COMMAND_TOPIC,
            "http-connector",
            2,
            100);

    assertThat(properties.httpConnections())
        .containsEntry(
            "orders",
            new HttpConnection(
                "orders", URI.create("http://127.0.0.1:9100"), Duration.ofSeconds(3)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/relative",
        "ftp://127.0.0.1/x",
        "http://user:secret@127.0.0.1/x",
        "http://127.0.0.1/x?a=1",
        "http://127.0.0.1/x#f",
      })
  void refusesBaseUrlsThatCannotBeABoundary(String url) {
    assertThatThrownBy(() -> new HttpConnection("c", URI.create(url), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("secret");
  }

  @Test
  void refusesANonPositiveTimeout() {
    assertThatThrownBy(() -> new HttpConnection("c", URI.create("http://127.0.0.1"), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
