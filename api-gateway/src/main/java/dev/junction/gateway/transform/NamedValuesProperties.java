package dev.junction.gateway.transform;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Named values ({@code junction.gateway.named-values.<name>.*}): secrets and settings the API
 * catalog refers to as {@code {{name}}}, read from the environment or a file, so that the catalog
 * (in git) never holds them.
 *
 * <pre>
 * junction.gateway.named-values:
 *   pets-api-key: {env: PETS_API_KEY}
 *   partner-token: {file: /run/secrets/partner-token}
 *   pets-backend: {value: "http://127.0.0.1:9300"}
 * </pre>
 *
 * @param namedValues the values by name ({@code [A-Za-z0-9_-]+})
 */
@ConfigurationProperties("junction.gateway")
public record NamedValuesProperties(@DefaultValue Map<String, Source> namedValues) {

  /**
   * Where one value is read from: exactly one of the three.
   *
   * @param env an environment variable
   * @param file a file, read whole (one trailing line break dropped); re-read when it changes
   * @param value the value itself (for settings that are no secret)
   */
  public record Source(String env, Path file, String value) {

    @Override
    public String toString() {
      // the literal value may be a setting someone chose to write inline: not shown either
      return env != null ? "env:" + env : file != null ? "file:" + file : "value:(hidden)";
    }
  }
}
