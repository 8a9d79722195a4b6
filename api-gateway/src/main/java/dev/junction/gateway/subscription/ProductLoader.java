package dev.junction.gateway.subscription;

import dev.junction.gateway.catalog.ConfigFields;
import dev.junction.gateway.catalog.RateLimitKey;
import dev.junction.gateway.catalog.RateLimitPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads and validates product files. Every problem of a file is reported at once, each named by its
 * path in the file ({@code apis[0].name}).
 */
public final class ProductLoader {

  static final String RATE_LIMIT = "rateLimit";
  static final String QUOTA = "quota";

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Set<String> KEYS =
      Set.of(
          "name",
          "title",
          "description",
          "apis",
          "approvalRequired",
          "subscriptionRequired",
          "limits");
  private static final RateLimitKey BY_SUBSCRIPTION =
      new RateLimitKey(RateLimitKey.Kind.SUBSCRIPTION, null);

  private final YAMLMapper yaml = YAMLMapper.builder().build();

  /**
   * Reads one product file.
   *
   * @throws ProductException listing every problem of the file
   */
  public Product load(Path dir, Path file) {
    String source = dir.relativize(file).toString();
    JsonNode root;
    try {
      root = yaml.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ProductException(source, List.of("(file): cannot be read: " + e.getMessage()));
    } catch (JacksonException e) {
      throw new ProductException(
          source, List.of("(file): is not valid YAML: " + e.getOriginalMessage()));
    }
    List<String> problems = new ArrayList<>();
    Product product = product(root, source, problems);
    if (!problems.isEmpty()) {
      throw new ProductException(source, problems);
    }
    return product;
  }

  private static Product product(JsonNode root, String source, List<String> problems) {
    if (root == null || !root.isObject()) {
      problems.add("(root): must be a mapping with name, apis and limits");
      return null;
    }
    ConfigFields.unknownKeys(root, "", KEYS, problems);
    String name = text(root, "name", true, NAME, "lowercase letters, digits and dashes", problems);
    String title = text(root, "title", false, null, null, problems);
    String description = text(root, "description", false, null, null, problems);
    List<Product.ApiRef> apis = apis(root.get("apis"), problems);
    boolean approval = flag(root, "approvalRequired", false, problems);
    boolean required = flag(root, "subscriptionRequired", true, problems);
    List<RateLimitPolicy> limits = limits(root.get("limits"), name, problems);
    if (!problems.isEmpty()) {
      return null;
    }
    return new Product(
        name,
        title == null ? name : title,
        description == null ? "" : description,
        apis,
        approval,
        required,
        limits,
        source);
  }

  private static List<Product.ApiRef> apis(JsonNode node, List<String> problems) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      problems.add("apis: must be a non-empty list of {name, version} (version optional)");
      return List.of();
    }
    List<Product.ApiRef> apis = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String at = "apis[" + i + "]";
      JsonNode api = node.get(i);
      if (!api.isObject()) {
        problems.add(at + ": must be a mapping with name and, optionally, version");
        continue;
      }
      ConfigFields.unknownKeys(api, at + ".", Set.of("name", "version"), problems);
      String name =
          ConfigFields.text(
              api,
              at,
              "name",
              true,
              NAME,
              "an API name (lowercase letters, digits, dashes)",
              problems);
      String version =
          ConfigFields.text(api, at, "version", false, VERSION, "an API version like v1", problems);
      if (name != null) {
        apis.add(new Product.ApiRef(name, version));
      }
    }
    return apis;
  }

  private static List<RateLimitPolicy> limits(
      JsonNode node, String product, List<String> problems) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isObject()) {
      problems.add("limits: must be a mapping with rateLimit and/or quota");
      return List.of();
    }
    ConfigFields.unknownKeys(node, "limits.", Set.of(RATE_LIMIT, QUOTA), problems);
    List<RateLimitPolicy> limits = new ArrayList<>();
    for (String kind : List.of(RATE_LIMIT, QUOTA)) {
      JsonNode limit = node.get(kind);
      if (limit != null) {
        RateLimitPolicy policy = limit(limit, "limits." + kind, product + "." + kind, problems);
        if (policy != null) {
          limits.add(policy);
        }
      }
    }
    return limits;
  }

  private static RateLimitPolicy limit(
      JsonNode node, String where, String name, List<String> problems) {
    if (!node.isObject()) {
      problems.add(
          where + ": must be a mapping with limit and window, e.g. {limit: 100, window: 1d}");
      return null;
    }
    ConfigFields.unknownKeys(node, where + ".", Set.of("limit", "window"), problems);
    JsonNode limit = node.get("limit");
    long calls = 0;
    if (limit == null
        || !limit.isIntegralNumber()
        || limit.asLong() < 1
        || limit.asLong() > 1_000_000_000) {
      problems.add(
          where
              + ".limit: must be a whole number from 1 to 1000000000, got '"
              + (limit == null ? "" : limit.asString(""))
              + "'");
    } else {
      calls = limit.asLong();
    }
    String value = ConfigFields.text(node, where, "window", true, null, null, problems);
    Duration window = null;
    if (value != null) {
      try {
        window = DurationStyle.detectAndParse(value);
        if (window.isNegative() || window.toSeconds() < 1) {
          problems.add(where + ".window: must be at least 1s, got '" + value + "'");
          window = null;
        }
      } catch (IllegalArgumentException e) {
        problems.add(where + ".window: must be a duration like 10s, 1h or 1d, got '" + value + "'");
      }
    }
    return calls == 0 || window == null
        ? null
        : new RateLimitPolicy(name, calls, window, BY_SUBSCRIPTION);
  }

  private static boolean flag(JsonNode node, String key, boolean fallback, List<String> problems) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      problems.add(key + ": must be true or false");
      return fallback;
    }
    return value.asBoolean();
  }

  private static String text(
      JsonNode node,
      String key,
      boolean required,
      Pattern pattern,
      String format,
      List<String> problems) {
    return ConfigFields.text(node, null, key, required, pattern, format, problems);
  }
}
