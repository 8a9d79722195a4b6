package dev.junction.gateway.policy;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Redis shared by every gateway instance ({@code junction.gateway.redis.*}).
 *
 * @param url e.g. {@code redis://127.0.0.1:6379} (credentials as {@code redis://:secret@host}: pass
 *     it through the environment, {@code JUNCTION_GATEWAY_REDIS_URL}); empty keeps policy state in
 *     each instance's memory
 * @param timeout longest wait for Redis per call
 */
@Validated
@ConfigurationProperties("junction.gateway.redis")
public record RedisProperties(
    @DefaultValue("") String url, @DefaultValue("500ms") @NotNull Duration timeout) {

  @Override
  public String toString() {
    // the URL may hold a password
    return "RedisProperties[timeout=" + timeout + "]";
  }
}
