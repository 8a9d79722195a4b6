package dev.junction.gateway.subscription;

import dev.junction.contract.Topics;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Subscription keys ({@code junction.gateway.subscriptions.*}); the products folder is {@code
 * junction.gateway.products-dir}.
 *
 * @param header the request header carrying a subscription key
 * @param topic the compacted topic keeping the subscriptions, shared by every gateway instance
 * @param operatorScope the token scope of operators: they list, suspend, export and import all
 *     subscriptions
 * @param startupTimeout how long start-up waits to have read every subscription from the topic
 */
@Validated
@ConfigurationProperties("junction.gateway.subscriptions")
public record SubscriptionProperties(
    @DefaultValue(DEFAULT_HEADER) @NotBlank String header,
    @DefaultValue(Topics.GATEWAY_SUBSCRIPTIONS) @NotBlank String topic,
    @DefaultValue("subscriptions:admin") @NotBlank String operatorScope,
    @DefaultValue("30s") @NotNull Duration startupTimeout) {

  public static final String DEFAULT_HEADER = "Junction-Subscription-Key";
}
