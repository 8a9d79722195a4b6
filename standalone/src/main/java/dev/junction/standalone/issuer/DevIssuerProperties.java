package dev.junction.standalone.issuer;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the development issuer ({@code junction.dev-issuer.*}).
 *
 * @param signingKeyFile where the RSA signing key (a private JWK) is kept; created on first start
 * @param audience audience added to every access token, the one the gateway requires
 */
@Validated
@ConfigurationProperties("junction.dev-issuer")
public record DevIssuerProperties(@NotNull Path signingKeyFile, @NotBlank String audience) {}
