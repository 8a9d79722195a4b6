package dev.junction.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

/** The regex-free bearer token and header value checks answer exactly as Spring Security's. */
class BearerTokenConverterTest {

  private static final String JWT =
      "eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJqdW5jdGlvbi1zYW1wbGUifQ.c2lnbmF0dXJlLXBhcnQ-_x";

  @Test
  void takesTheTokenAsSpringSecurityDoes() {
    List<String> headers =
        new ArrayList<>(
            List.of(
                "Bearer " + JWT,
                "bearer " + JWT,
                "BEARER " + JWT,
                "Bearer abc==",
                "Bearer abc+/~.-_",
                "Bearer abc=d",
                "Bearer  " + JWT,
                "Bearer",
                "Bearer ",
                "Bearer==",
                "Bearerabc",
                "Bearer a b",
                "Bearer ab\u00e9",
                "Bearer ab%",
                "Bearer " + JWT + " ",
                "Basic dXNlcjpwYXNz",
                "Token abc",
                ""));
    Random random = new Random(8);
    String alphabet = "aZ09-._~+/= %\t\u00e9";
    for (int i = 0; i < 500; i++) {
      StringBuilder value = new StringBuilder(random.nextBoolean() ? "Bearer " : "bEaReR");
      for (int n = random.nextInt(12); n > 0; n--) {
        value.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      headers.add(value.toString());
    }
    ServerAuthenticationConverter spring = new ServerBearerTokenAuthenticationConverter();
    ServerAuthenticationConverter ours = new BearerTokenConverter();
    for (String header : headers) {
      assertThat(outcome(ours, header))
          .as("Authorization: %s", header)
          .isEqualTo(outcome(spring, header));
    }
    assertThat(outcome(ours, null)).isEqualTo("none").isEqualTo(outcome(spring, null));
    assertThat(outcome(ours, "Bearer " + JWT)).isEqualTo("token " + JWT);
    assertThat(outcome(ours, "Bearer a%b")).isEqualTo("invalid_token Bearer token is malformed");
  }

  @Test
  void allowsTheHeaderValuesSpringSecuritysFirewallAllows() {
    List<String> values =
        new ArrayList<>(
            List.of(
                "",
                "Bearer " + JWT,
                "a\tb",
                "a\nb",
                "a\u0000",
                "caf\u00e9",
                "\u0378",
                "\ud83d\ude00",
                "\ud83d",
                "a\u007f",
                "\u0085",
                "\u00a0"));
    Random random = new Random(8);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder value = new StringBuilder();
      for (int n = random.nextInt(6); n > 0; n--) {
        value.appendCodePoint(random.nextInt(random.nextBoolean() ? 0x100 : 0x3_0000));
      }
      values.add(value.toString());
    }
    for (String value : values) {
      assertThat(RequestFirewall.allowedHeaderValue(value))
          .as("header value %s", value.codePoints().boxed().toList())
          .isEqualTo(StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES.test(value));
    }
    assertThat(RequestFirewall.allowedHeaderValue(null)).isTrue();
    assertThat(RequestFirewall.allowedHeaderValue("a\nb")).isFalse();
  }

  /** What a converter makes of an Authorization header: a token, nothing, or an error code. */
  private static String outcome(ServerAuthenticationConverter converter, String authorization) {
    MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/orders/v1/orders");
    if (authorization != null) {
      request.header(HttpHeaders.AUTHORIZATION, authorization);
    }
    try {
      Authentication authentication =
          converter.convert(MockServerWebExchange.from(request)).block();
      return authentication == null ? "none" : "token " + authentication.getCredentials();
    } catch (OAuth2AuthenticationException e) {
      return e.getError().getErrorCode() + " " + e.getError().getDescription();
    }
  }
}
