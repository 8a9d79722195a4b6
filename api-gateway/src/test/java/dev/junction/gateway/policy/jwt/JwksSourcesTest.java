package dev.junction.gateway.policy.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.junction.gateway.Fixtures;
import dev.junction.gateway.TestIssuer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

/** Reading keys by OIDC discovery (from a real HTTP issuer) and from a file. */
class JwksSourcesTest {

  private static TestIssuer issuer;
  private static RSAKey key;

  @BeforeAll
  static void start() throws Exception {
    key = TestIssuer.rfc7520Key();
    issuer = TestIssuer.start("/realms/staff");
    issuer.serve(key);
  }

  @AfterAll
  static void stop() {
    issuer.close();
  }

  @Test
  void findsTheKeysThroughTheDiscoveryDocumentOnceAndKeepsItsJwksUri() {
    var source = JwksSources.discovery(WebClient.create(), issuer.issuer(), Duration.ofSeconds(30));

    JWKSet first = source.get().block();
    source.get().block();

    assertThat(first.getKeys()).extracting(JWK::getKeyID).containsExactly(key.getKeyID());
    assertThat(first.getKeys().getFirst().isPrivate()).isFalse();
    assertThat(issuer.discoveryRequests()).isEqualTo(1);
    assertThat(issuer.jwksRequests()).isEqualTo(2);
  }

  @Test
  void refusesADiscoveryDocumentThatNamesAnotherIssuer() {
    // same document, but the configured issuer differs by a trailing slash
    var source =
        JwksSources.discovery(WebClient.create(), issuer.issuer() + "/", Duration.ofSeconds(30));

    assertThatThrownBy(() -> source.get().block()).hasMessageContaining("names another issuer");
  }

  @Test
  void readsASingleJwkFileAsAKeySet() {
    JWKSet keys =
        JwksSources.read(Fixtures.file("jose/rfc7520-cookbook/jwk/3_3.rsa_public_key.json"));

    assertThat(keys.getKeys())
        .extracting(JWK::getKeyID)
        .containsExactly("bilbo.baggins@hobbiton.example");
  }
}
