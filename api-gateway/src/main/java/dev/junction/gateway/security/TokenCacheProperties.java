package dev.junction.gateway.security;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The cache of verified tokens ({@code junction.gateway.token-cache.*}), see {@link
 * VerifiedTokenCache}.
 *
 * @param maxAge longest a verified token is trusted without being verified again (never past its
 *     {@code exp}); also how long a key removed from the issuer's JWKS may still be honoured
 * @param maxTokens most tokens remembered at once; {@code 0} turns the cache off
 */
@Validated
@ConfigurationProperties("junction.gateway.token-cache")
public record TokenCacheProperties(
    @DefaultValue("5m") @NotNull Duration maxAge,
    @DefaultValue("10000") @PositiveOrZero long maxTokens) {}
