package dev.junction.gateway;

import dev.junction.contract.Topics;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the gateway ({@code junction.gateway.*}).
 *
 * @param instanceIndex index of this gateway instance; it owns this partition of {@link
 *     #replyTopic()}, so every instance of a deployment needs a distinct index lower than the
 *     topic's partition count
 * @param maxPending most requests awaiting a reply at once; beyond it the gateway answers 503 with
 *     {@code Retry-After} instead of queueing without bound
 * @param defaultTimeout how long to wait for a workflow's reply when the operation sets no {@code
 *     timeout}
 * @param catalogDir folder of the API catalog (one YAML file per API version, request schemas
 *     relative to it); re-scanned every {@code catalogScanInterval}
 * @param catalogScanInterval how often the catalog folder is checked for changes
 * @param productsDir folder of the API products ({@code products/*.yaml}), re-scanned every {@code
 *     catalogScanInterval}
 * @param orchestratorUrl base URL of the orchestrator, whose {@code /runs/{id}} the gateway proxies
 * @param replyTopic topic the orchestrator answers on ({@code WorkflowReply})
 * @param commandTopic topic the gateway sends {@code WorkflowRequested} to
 * @param maxBodySize largest request body accepted; larger bodies are answered with 413
 */
@Validated
@ConfigurationProperties("junction.gateway")
public record GatewayProperties(
    @DefaultValue("0") @PositiveOrZero int instanceIndex,
    @DefaultValue("10000") @Positive int maxPending,
    @DefaultValue("10s") @NotNull Duration defaultTimeout,
    @DefaultValue("apis") @NotBlank String catalogDir,
    @DefaultValue("2s") @NotNull Duration catalogScanInterval,
    @DefaultValue("products") @NotBlank String productsDir,
    @DefaultValue("http://127.0.0.1:8081") @NotNull URI orchestratorUrl,
    @DefaultValue(Topics.GATEWAY_REPLIES) @NotBlank String replyTopic,
    @DefaultValue(Topics.ORCHESTRATOR_COMMANDS) @NotBlank String commandTopic,
    @DefaultValue("256KB") @NotNull DataSize maxBodySize) {}
