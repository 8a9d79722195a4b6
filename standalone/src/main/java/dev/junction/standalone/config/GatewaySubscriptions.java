package dev.junction.standalone.config;

import dev.junction.infra.InfraPaths;
import dev.junction.standalone.JunctionCli;
import dev.junction.standalone.config.ImportPlan.Change;
import dev.junction.standalone.config.ImportPlan.Item;
import dev.junction.standalone.config.ImportPlan.Section;
import dev.junction.standalone.stack.ProcessStack;
import dev.junction.standalone.stack.StackSettings;
import dev.junction.standalone.stack.TokenClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Subscriptions through a running gateway's operator API: {@code GET /subscriptions/export} for an
 * export, {@code POST /subscriptions/import?dryRun=true} to check an import (the gateway checks the
 * whole document, including key hashes that belong to other subscriptions) and {@code POST
 * /subscriptions/import} to apply it. Keys travel as their SHA-256 only.
 *
 * <p>The token is {@code $JUNCTION_GATEWAY_TOKEN}, or one got with client credentials from {@code
 * $JUNCTION_GATEWAY_TOKEN_URL} for {@code $JUNCTION_GATEWAY_CLIENT_ID} and {@code
 * $JUNCTION_GATEWAY_CLIENT_SECRET} (defaults: the embedded stack's issuer and sample client), with
 * the scope {@code $JUNCTION_GATEWAY_SCOPE} (default {@value #DEFAULT_SCOPE}).
 */
final class GatewaySubscriptions implements SubscriptionTransfer {

  static final String URL_VARIABLE = "JUNCTION_GATEWAY_URL";
  static final String DEFAULT_URL = "http://127.0.0.1:8080";
  static final String DEFAULT_SCOPE = "subscriptions:admin";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String NOT_IN_EXPORT = "not in the export; the target's are left alone";

  private final String baseUrl;
  private final Supplier<String> token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String fetchedToken;

  GatewaySubscriptions(String baseUrl, Supplier<String> token) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  /** The gateway of {@code --gateway URL}, else {@code $JUNCTION_GATEWAY_URL}, else the default. */
  static GatewaySubscriptions from(List<String> options, Map<String, String> env) {
    String url =
        JunctionCli.option(options, "--gateway", env.getOrDefault(URL_VARIABLE, DEFAULT_URL));
    return new GatewaySubscriptions(url, () -> token(env));
  }

  private static String token(Map<String, String> env) {
    String given = env.get("JUNCTION_GATEWAY_TOKEN");
    if (given != null && !given.isBlank()) {
      return given.strip();
    }
    String tokenUrl =
        env.getOrDefault(
            "JUNCTION_GATEWAY_TOKEN_URL",
            StackSettings.defaults(Path.of("."), 1)
                .withIdentityProvider(ProcessStack.defaultStackIdentityProvider(InfraPaths.home()))
                .tokenUrl());
    String clientId =
        env.getOrDefault("JUNCTION_GATEWAY_CLIENT_ID", StackSettings.SAMPLE_CLIENT_ID);
    String secret =
        env.getOrDefault(
            "JUNCTION_GATEWAY_CLIENT_SECRET",
            env.getOrDefault("JUNCTION_SAMPLE_CLIENT_SECRET", StackSettings.DEV_CLIENT_SECRET));
    String scope = env.getOrDefault("JUNCTION_GATEWAY_SCOPE", DEFAULT_SCOPE);
    try {
      return TokenClient.fetch(tokenUrl, clientId, secret, scope);
    } catch (IllegalStateException e) {
      throw new ConfigException(
          "Cannot get a token for the gateway's subscriptions: "
              + e.getMessage()
              + "\nSet JUNCTION_GATEWAY_TOKEN (a token with the scope "
              + scope
              + "), or JUNCTION_GATEWAY_TOKEN_URL, JUNCTION_GATEWAY_CLIENT_ID and"
              + " JUNCTION_GATEWAY_CLIENT_SECRET; or leave subscriptions out with"
              + " --without-subscriptions.");
    }
  }

  @Override
  public Snapshot read() {
    HttpResponse<String> response = send("GET", "/subscriptions/export", null, "export");
    expectOk(response, "export");
    JsonNode document = parse(response.body(), baseUrl + "/subscriptions/export");
    List<JsonNode> entries = new ArrayList<>();
    document.path("subscriptions").forEach(entries::add);
    entries.sort(Comparator.comparing(entry -> entry.path("id").asString("")));
    // no time stamp: exporting an unchanged stack again changes no file
    ObjectNode stable = JSON.createObjectNode();
    stable.set("format", document.path("format"));
    ArrayNode list = stable.putArray("subscriptions");
    entries.forEach(list::add);
    return new Snapshot(
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(stable) + "\n",
        entries.size(),
        "");
  }

  @Override
  public Section plan(Path dir, List<String> problems) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Section.notIncluded(FOLDER, NOT_IN_EXPORT);
    }
    String text;
    JsonNode exported;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
      exported = JSON.readTree(text);
    } catch (IOException | JacksonException e) {
      problems.add(FILE + ": cannot be read as JSON: " + e.getMessage());
      return Section.of(FOLDER, List.of());
    }
    HttpResponse<String> checked =
        send("POST", "/subscriptions/import?dryRun=true", text, "import");
    if (checked.statusCode() == 400) {
      problems.add(FILE + ": " + detail(checked));
      return Section.of(FOLDER, List.of());
    }
    expectOk(checked, "import");
    HttpResponse<String> current = send("GET", "/subscriptions/export", null, "export");
    expectOk(current, "export");
    return Section.of(
        FOLDER,
        diff(byId(exported), byId(parse(current.body(), baseUrl + "/subscriptions/export"))));
  }

  @Override
  public int apply(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return 0;
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(FILE + ": cannot be read: " + e.getMessage());
    }
    HttpResponse<String> imported = send("POST", "/subscriptions/import", text, "import");
    expectOk(imported, "import");
    return parse(imported.body(), baseUrl + "/subscriptions/import").path("imported").asInt();
  }

  /**
   * Per subscription id: added, changed (naming the fields), unchanged; the target's others kept.
   */
  static List<Item> diff(Map<String, JsonNode> exported, Map<String, JsonNode> target) {
    List<Item> items = new ArrayList<>();
    TreeSet<String> ids = new TreeSet<>(exported.keySet());
    ids.addAll(target.keySet());
    for (String id : ids) {
      JsonNode incoming = exported.get(id);
      JsonNode existing = target.get(id);
      if (incoming == null) {
        items.add(new Item(id, Change.KEPT, describe(existing)));
      } else if (existing == null) {
        items.add(new Item(id, Change.ADDED, describe(incoming)));
      } else if (incoming.equals(existing)) {
        items.add(new Item(id, Change.UNCHANGED, ""));
      } else {
        items.add(new Item(id, Change.CHANGED, changes(incoming, existing)));
      }
    }
    return items;
  }

  /**
   * The subscriptions of an export document by id; entries without an id are the gateway's to
   * refuse.
   */
  static Map<String, JsonNode> byId(JsonNode document) {
    Map<String, JsonNode> entries = new TreeMap<>();
    for (JsonNode entry : document.path("subscriptions")) {
      if (entry.path("id").isString()) {
        entries.put(entry.path("id").asString(), entry);
      }
    }
    return entries;
  }

  private static String describe(JsonNode subscription) {
    return "%s, %s, %s"
        .formatted(
            subscription.path("product").asString("?"),
            subscription.path("subscriber").asString("?"),
            subscription.path("state").asString("?"));
  }

  private static String changes(JsonNode incoming, JsonNode existing) {
    Map<String, String> changed = new LinkedHashMap<>();
    TreeSet<String> fields = new TreeSet<>(incoming.propertyNames());
    fields.addAll(existing.propertyNames());
    for (String field : fields) {
      if (!Objects.equals(incoming.get(field), existing.get(field))) {
        changed.put(
            field,
            switch (field) {
              case "keyHash" -> "key";
              case "state" ->
                  "state %s -> %s"
                      .formatted(
                          existing.path(field).asString("none"),
                          incoming.path(field).asString("none"));
              default -> field;
            });
      }
    }
    changed.remove("keyPrefix"); // goes with the key
    return String.join(", ", changed.values());
  }

  private HttpResponse<String> send(String method, String path, String body, String what) {
    if (fetchedToken == null) {
      fetchedToken = token.get();
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + fetchedToken)
            .header("Accept", "application/json");
    if (body == null) {
      request.GET();
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new ConfigException(
          "Cannot reach the gateway at %s for the subscriptions %s: %s\nIs the stack running? Pass --gateway URL, or leave subscriptions out with --without-subscriptions."
              .formatted(baseUrl, what, why));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConfigException("Interrupted while calling the gateway at " + baseUrl);
    }
  }

  private void expectOk(HttpResponse<String> response, String what) {
    if (response.statusCode() == 200) {
      return;
    }
    String hint =
        response.statusCode() == 401 || response.statusCode() == 403
            ? "\nThe token needs the gateway's operator scope for subscriptions ("
                + DEFAULT_SCOPE
                + " unless the gateway names another); set JUNCTION_GATEWAY_TOKEN or the"
                + " JUNCTION_GATEWAY_CLIENT_* variables."
            : "";
    throw new ConfigException(
        "The gateway at %s refused the subscriptions %s (%d): %s%s"
            .formatted(baseUrl, what, response.statusCode(), detail(response), hint));
  }

  private static String detail(HttpResponse<String> response) {
    try {
      JsonNode problem = JSON.readTree(response.body());
      if (problem.path("detail").isString()) {
        return problem.path("detail").asString();
      }
    } catch (JacksonException e) {
      // not a problem document: its text says more than nothing
    }
    String body = response.body() == null ? "" : response.body().strip();
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }

  private static JsonNode parse(String body, String from) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (JacksonException e) {
      // reported below
    }
    throw new ConfigException(from + " did not answer a JSON export document");
  }
}
