package dev.junction.connector.http.testing;

import java.util.List;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real OAuth2 authorization server (Spring Authorization Server, auto-configured) with one client
 * allowed the client credentials grant: the token endpoint of the client-credentials tests.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TokenServer {

  public static final String CLIENT_ID = "junction-http";
  public static final String CLIENT_SECRET = "s3cret-for-tests";
  public static final String SCOPE = "orders.read";

  /** Spring Security's auto-configuration, which a connector under test must leave out. */
  public static final List<String> SECURITY_AUTO_CONFIGURATION =
      List.of(
          "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
          "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
          "org.springframework.boot.security.autoconfigure.actuate.web.servlet"
              + ".ManagementWebSecurityAutoConfiguration",
          "org.springframework.boot.security.autoconfigure.web.servlet"
              + ".ServletWebSecurityAutoConfiguration",
          "org.springframework.boot.security.autoconfigure.web.servlet"
              + ".SecurityFilterAutoConfiguration",
          "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet"
              + ".OAuth2AuthorizationServerAutoConfiguration",
          "org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet"
              + ".OAuth2AuthorizationServerJwtAutoConfiguration");

  /** Starts it on a free port; tokens live {@code tokenSeconds}. */
  public static ConfigurableApplicationContext start(int tokenSeconds) {
    String client = "--spring.security.oauth2.authorizationserver.client.connector.";
    return new SpringApplicationBuilder(TokenServer.class)
        .run(
            "--server.port=0",
            "--spring.main.banner-mode=off",
            "--spring.application.name=token-server",
            client + "registration.client-id=" + CLIENT_ID,
            client + "registration.client-secret={noop}" + CLIENT_SECRET,
            client + "registration.client-authentication-methods=client_secret_basic",
            client + "registration.authorization-grant-types=client_credentials",
            client + "registration.scopes=" + SCOPE,
            client + "token.access-token-time-to-live=" + tokenSeconds + "s");
  }
}
