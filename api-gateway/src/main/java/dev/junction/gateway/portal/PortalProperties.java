package dev.junction.gateway.portal;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The developer portal at {@code /portal} ({@code junction.gateway.portal.*}).
 *
 * @param enabled whether the gateway serves the portal
 * @param tokenUrl the OAuth2 token endpoint the portal's "get a token" form posts to (through the
 *     gateway, so the browser needs no CORS at the issuer); empty means the {@code token_endpoint}
 *     of the issuer's OpenID configuration, else {@code <issuer>/oauth2/token}
 * @param statusTimeout how long the status page waits for each service's health
 */
@Validated
@ConfigurationProperties("junction.gateway.portal")
public record PortalProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("") String tokenUrl,
    @DefaultValue("2s") @NotNull Duration statusTimeout) {}
