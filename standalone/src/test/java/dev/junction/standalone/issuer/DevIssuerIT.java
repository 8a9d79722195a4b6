package dev.junction.standalone.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.junction.infra.FreePorts;
import dev.junction.standalone.stack.TokenClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

class DevIssuerIT {

  @Test
  void issuesTokensForTheGatewayAudienceSignedWithTheKeptKey(@TempDir Path dir) throws Exception {
    int port = FreePorts.next();
    Path keyFile = dir.resolve("signing-key.jwk");
    String kid;
    try (ConfigurableApplicationContext issuer =
        DevIssuer.start(port, keyFile, "client-a", "secret-a", "orders:write orders:read", "gw")) {
      SignedJWT token =
          SignedJWT.parse(
              TokenClient.fetch(
                  "http://127.0.0.1:" + port + "/oauth2/token",
                  "client-a",
                  "secret-a",
                  "orders:read"));
      assertThat(token.getJWTClaimsSet().getAudience()).contains("gw", "client-a");
      assertThat(token.getJWTClaimsSet().getIssuer()).isEqualTo("http://127.0.0.1:" + port);
      assertThat(token.getJWTClaimsSet().getStringListClaim("scope"))
          .containsExactly("orders:read");
      kid = token.getHeader().getKeyID();
      assertThatThrownBy(
              () ->
                  TokenClient.fetch(
                      "http://127.0.0.1:" + port + "/oauth2/token", "client-a", "wrong", null))
          .hasMessageContaining("401");
    }
    // a restart keeps the key, so tokens issued before it stay valid
    try (ConfigurableApplicationContext issuer =
        DevIssuer.start(port, keyFile, "client-a", "secret-a", "orders:write", "gw")) {
      SignedJWT token =
          SignedJWT.parse(
              TokenClient.fetch(
                  "http://127.0.0.1:" + port + "/oauth2/token", "client-a", "secret-a", null));
      assertThat(token.getHeader().getKeyID()).isEqualTo(kid);
    }
  }
}
