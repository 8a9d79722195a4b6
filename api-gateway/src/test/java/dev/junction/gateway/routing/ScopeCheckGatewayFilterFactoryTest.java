package dev.junction.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;

class ScopeCheckGatewayFilterFactoryTest {

  @Test
  void listsEveryMissingScopeInOrder() {
    assertThat(
            ScopeCheckGatewayFilterFactory.missing(
                List.of("orders:write", "orders:read", "admin"), Set.of("orders:read")))
        .containsExactly("orders:write", "admin");
  }

  @Test
  void nothingMissingWhenAllGranted() {
    assertThat(ScopeCheckGatewayFilterFactory.missing(List.of("a"), Set.of("a", "b"))).isEmpty();
    assertThat(ScopeCheckGatewayFilterFactory.missing(List.of(), Set.of())).isEmpty();
  }

  @Test
  void readsScopesFromScopeAuthorities() {
    TestingAuthenticationToken token =
        new TestingAuthenticationToken("alice", null, "SCOPE_orders:write", "ROLE_admin");

    assertThat(ScopeCheckGatewayFilterFactory.granted(token)).containsExactly("orders:write");
  }
}
