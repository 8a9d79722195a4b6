package dev.junction.connector.http.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.connector.support.invoke.CallResult;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class HostGuardTest {

  /** A resolver with fixed answers, standing in for DNS records that point somewhere. */
  private static final HostGuard GUARD =
      new HostGuard(
          host -> {
            String address =
                Map.of(
                        "metadata.attacker.example", "169.254.169.254",
                        "v6-metadata.example", "fd00:ec2::254",
                        "link-local.example", "fe80::1",
                        "nothing.example", "0.0.0.0",
                        "backend.example", "10.1.2.3")
                    .get(host);
            if (address == null) {
              throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(address)};
          });

  @Test
  void refusesNamesThatResolveToLinkLocalOrMetadataAddresses() throws Exception {
    assertThat(GUARD.refusal("metadata.attacker.example"))
        .startsWith("host metadata.attacker.example resolves to 169.254.169.254");
    assertThat(GUARD.refusal("v6-metadata.example")).contains("link-local or metadata");
    assertThat(GUARD.refusal("link-local.example")).isNotNull();
    assertThat(GUARD.refusal("nothing.example")).isNotNull();
  }

  @Test
  void allowsOtherAddressesAndAddressesNamedLiterally() throws Exception {
    assertThat(GUARD.refusal("backend.example")).isNull();
    assertThat(GUARD.refusal("169.254.169.254")).isNull();
    assertThat(GUARD.refusal("[fd00:ec2::254]")).isNull();
  }

  @Test
  void anUnknownHostIsReported() {
    assertThatThrownBy(() -> GUARD.refusal("nowhere.example"))
        .isInstanceOf(UnknownHostException.class);
  }

  @Test
  void theOperationRefusesSuchAConnectionWithoutCalling() throws Exception {
    JsonMapper json = JsonMapper.builder().build();
    try (HttpOperation operation =
        new HttpOperation(HttpOperation.defaultClient(), json, Clock.systemUTC(), GUARD)) {
      HttpConnection connection =
          new HttpConnection(
              "crm", URI.create("http://metadata.attacker.example/api"), Duration.ofSeconds(2));

      CallResult result =
          operation.call(
              connection,
              HttpRequestInput.parse("{\"method\":\"GET\",\"path\":\"/latest/meta-data\"}", json),
              "k",
              Duration.ofSeconds(2));

      assertThat(result)
          .isEqualTo(
              new CallResult.FatalError(
                  "connection 'crm': host metadata.attacker.example resolves to 169.254.169.254,"
                      + " a link-local or metadata address; name it by address in the base URL if"
                      + " it is really meant"));
    }
  }
}
