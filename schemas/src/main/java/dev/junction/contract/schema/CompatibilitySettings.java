package dev.junction.contract.schema;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The compatibility mode of each subject: {@code default} for all, overridden per subject, read
 * from {@code schemas/compatibility.properties}:
 *
 * <pre>
 * default=BACKWARD
 * dev.junction.samples.orders.v1.CreateOrderRequest=FULL
 * </pre>
 *
 * @param defaultMode mode of subjects without an override
 * @param overrides mode per subject
 */
public record CompatibilitySettings(
    CompatibilityMode defaultMode, Map<String, CompatibilityMode> overrides) {

  /** The file, relative to the Junction home. */
  public static final String FILE = "schemas/compatibility.properties";

  private static final String DEFAULT_KEY = "default";

  public CompatibilitySettings {
    overrides = Map.copyOf(overrides);
  }

  /** BACKWARD for every subject. */
  public static CompatibilitySettings backward() {
    return new CompatibilitySettings(CompatibilityMode.BACKWARD, Map.of());
  }

  /**
   * Reads the settings; a missing file means BACKWARD everywhere.
   *
   * @throws SchemaException naming every unknown mode
   */
  public static CompatibilitySettings load(Path file) {
    if (!Files.isRegularFile(file)) {
      return backward();
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new SchemaException("Cannot read " + file, e);
    }
    List<String> problems = new ArrayList<>();
    CompatibilityMode defaultMode = CompatibilityMode.BACKWARD;
    Map<String, CompatibilityMode> overrides = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      try {
        CompatibilityMode mode = CompatibilityMode.parse(properties.getProperty(key));
        if (key.equals(DEFAULT_KEY)) {
          defaultMode = mode;
        } else {
          overrides.put(key, mode);
        }
      } catch (IllegalArgumentException e) {
        problems.add(key + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new SchemaException("Invalid " + file, problems);
    }
    return new CompatibilitySettings(defaultMode, overrides);
  }

  /** The mode of a subject. */
  public CompatibilityMode modeOf(String subject) {
    return overrides.getOrDefault(subject, defaultMode);
  }
}
