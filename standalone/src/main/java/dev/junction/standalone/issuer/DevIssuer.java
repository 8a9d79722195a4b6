package dev.junction.standalone.issuer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the development issuer inside the launcher's JVM, bound to 127.0.0.1. */
public final class DevIssuer {
  private DevIssuer() {}

  /**
   * Starts the issuer with one client-credentials client.
   *
   * @param scopes the client's scopes, separated by spaces
   * @param audience the audience every token carries besides the client id
   */
  public static ConfigurableApplicationContext start(
      int port,
      Path keyFile,
      String clientId,
      String clientSecret,
      String scopes,
      String audience) {
    String client = "spring.security.oauth2.authorizationserver.client.sample.";
    Map<String, Object> properties = new HashMap<>();
    properties.put("server.port", port);
    properties.put("server.address", "127.0.0.1");
    properties.put("spring.main.banner-mode", "off");
    properties.put("spring.jmx.enabled", false);
    properties.put("spring.security.oauth2.authorizationserver.issuer", "http://127.0.0.1:" + port);
    properties.put(client + "registration.client-id", clientId);
    properties.put(client + "registration.client-secret", "{noop}" + clientSecret);
    properties.put(
        client + "registration.client-authentication-methods",
        "client_secret_basic,client_secret_post");
    properties.put(client + "registration.authorization-grant-types", "client_credentials");
    properties.put(client + "registration.scopes", String.join(",", scopes.split(" ")));
    properties.put(client + "token.access-token-time-to-live", "1h");
    properties.put("junction.dev-issuer.signing-key-file", keyFile.toString());
    properties.put("junction.dev-issuer.audience", audience);
    return new SpringApplicationBuilder(DevIssuerApplication.class)
        .web(WebApplicationType.SERVLET)
        .properties(properties)
        .registerShutdownHook(false)
        .run();
  }
}
