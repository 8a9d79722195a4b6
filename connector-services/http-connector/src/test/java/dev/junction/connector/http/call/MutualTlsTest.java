package dev.junction.connector.http.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.junction.connector.http.auth.Authentication;
import dev.junction.connector.http.testing.TestBackend;
import dev.junction.connector.http.tls.TlsSettings;
import dev.junction.connector.support.invoke.CallResult;
import dev.junction.infra.testing.TestCertificates;
import dev.junction.wire.ConnectorOutcome;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mutual TLS against a real HTTPS server (the JDK's) that requires a client certificate, with
 * certificates generated for the run; the connection's TLS context is built from PKCS12 files as in
 * configuration.
 */
class MutualTlsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String GET = "{\"method\":\"GET\",\"path\":\"/whoami\"}";

  @TempDir static Path dir;

  private static TestCertificates ca;
  private static HttpsServer server;
  private static final List<String> clients = new CopyOnWriteArrayList<>();
  private static HttpOperation operation;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCertificates.authority("Junction Test CA");
    TestCertificates serverCert = ca.server("backend");
    SSLContext serverTls = serverCert.sslContext(ca, ca);
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(serverTls) {
          @Override
          public void configure(HttpsParameters params) {
            params.setNeedClientAuth(true);
          }
        });
    server.createContext(
        "/api/whoami",
        exchange -> {
          X509Certificate client =
              (X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0];
          clients.add(client.getSubjectX500Principal().getName());
          TestBackend.respond(exchange, 200, "application/json", "{}");
        });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    operation = new HttpOperation(HttpOperation.defaultClient(), JSON);
  }

  @AfterAll
  static void stop() {
    operation.close();
    server.stop(0);
  }

  private static HttpConnection connection(String name, TlsSettings tls) {
    return new HttpConnection(
        name,
        URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/api"),
        TIMEOUT,
        Authentication.NONE,
        tls.sslContext(name));
  }

  private static CallResult call(HttpConnection connection) throws Exception {
    return operation.call(connection, HttpRequestInput.parse(GET, JSON), "k", TIMEOUT);
  }

  @Test
  void presentsItsClientCertificateAndTrustsTheBackendsCa() throws Exception {
    Path keyStore = ca.client("junction-connector").writeKeyStore(dir.resolve("client.p12"), ca);
    Path trustStore = ca.writeTrustStore(dir.resolve("trust.p12"));
    TlsSettings tls =
        new TlsSettings(
            keyStore, TestCertificates.PASSWORD, null, trustStore, TestCertificates.PASSWORD, null);

    CallResult result = call(connection("mtls", tls));

    assertThat(result.outcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    assertThat(clients).contains("CN=junction-connector");
  }

  @Test
  void withoutAClientCertificateTheBackendIsNotReached() throws Exception {
    Path trustStore = ca.writeTrustStore(dir.resolve("trust-only.p12"));
    int before = clients.size();

    CallResult result =
        call(
            connection(
                "no-client-cert",
                new TlsSettings(null, null, null, trustStore, TestCertificates.PASSWORD, null)));

    assertThat(result)
        .isEqualTo(
            new CallResult.FatalError(
                "connection 'no-client-cert': GET /whoami: TLS handshake failed"));
    assertThat(clients).hasSize(before);
  }

  @Test
  void aBackendCertificateFromAnotherCaFailsTheHandshakeAsFatal() throws Exception {
    TestCertificates otherCa = TestCertificates.authority("Some Other CA");
    Path keyStore =
        otherCa.client("junction-connector").writeKeyStore(dir.resolve("o.p12"), otherCa);
    Path trustStore = otherCa.writeTrustStore(dir.resolve("other-trust.p12"));

    CallResult result =
        call(
            connection(
                "wrong-ca",
                new TlsSettings(
                    keyStore,
                    TestCertificates.PASSWORD,
                    null,
                    trustStore,
                    TestCertificates.PASSWORD,
                    null)));

    assertThat(result)
        .isEqualTo(
            new CallResult.FatalError("connection 'wrong-ca': GET /whoami: TLS handshake failed"));
  }
}
