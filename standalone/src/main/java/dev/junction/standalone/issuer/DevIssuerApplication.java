package dev.junction.standalone.issuer;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The development OAuth2 issuer of the embedded default: Spring Authorization Server with the
 * client-credentials grant. Clients are declared with Boot's {@code
 * spring.security.oauth2.authorizationserver.client.*} properties; the signing key is kept on disk
 * so tokens stay valid across restarts.
 */
@SpringBootApplication
@EnableConfigurationProperties(DevIssuerProperties.class)
public class DevIssuerApplication {

  @Bean
  JWKSource<SecurityContext> jwkSource(DevIssuerProperties properties) {
    RSAKey key = SigningKeyStore.loadOrCreate(properties.signingKeyFile());
    return new ImmutableJWKSet<>(new JWKSet(key));
  }

  /** Adds the gateway's audience, so one audience check covers every client. */
  @Bean
  OAuth2TokenCustomizer<JwtEncodingContext> audienceCustomizer(DevIssuerProperties properties) {
    return context ->
        context
            .getClaims()
            .claims(
                claims -> {
                  List<String> audience = new ArrayList<>();
                  audience.add(context.getRegisteredClient().getClientId());
                  audience.add(properties.audience());
                  claims.put("aud", audience);
                });
  }
}
