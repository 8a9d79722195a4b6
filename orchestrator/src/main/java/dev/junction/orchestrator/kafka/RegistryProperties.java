package dev.junction.orchestrator.kafka;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The schema registry ({@code junction.registry.*}).
 *
 * @param url Apicurio Registry v3 API URL, e.g. {@code http://127.0.0.1:8180/apis/registry/v3}
 */
@ConfigurationProperties("junction.registry")
@Validated
public record RegistryProperties(
    @DefaultValue("http://127.0.0.1:8180/apis/registry/v3") @NotBlank String url) {}
