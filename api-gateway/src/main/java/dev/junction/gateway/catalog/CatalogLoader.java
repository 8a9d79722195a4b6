package dev.junction.gateway.catalog;

import dev.junction.contract.schema.ApiSchemas;
import dev.junction.gateway.transform.NamedValues;
import dev.junction.gateway.transform.Template;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.util.unit.DataSize;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads and validates API catalog files. Every problem of a file is collected and reported at once,
 * each named by its path in the file ({@code operations[0].backend.url}), so an operator fixes a
 * file in one pass.
 */
public final class CatalogLoader {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern OPERATION_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final Pattern BASE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
  private static final Pattern PATH =
      Pattern.compile("(/([A-Za-z0-9._~-]+|\\{[A-Za-z][A-Za-z0-9_]*}))+");
  private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
  private static final Set<HttpMethod> METHODS =
      Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private static final Set<String> API_KEYS =
      Set.of(
          "name",
          "version",
          "title",
          "description",
          "basePath",
          "unknownFields",
          "backend",
          "policies",
          "openapi",
          "tags",
          "deprecated",
          "operations");
  private static final Set<String> OPERATION_KEYS =
      Set.of(
          "id",
          "method",
          "path",
          "summary",
          "description",
          "scopes",
          "request",
          "response",
          "backend",
          "timeout",
          "onTimeout",
          "mock",
          "policies");
  private static final Set<String> HTTP_BACKEND_KEYS =
      Set.of("url", "timeout", "connectTimeout", "retry", "circuitBreaker");
  private static final Set<String> API_POLICY_KEYS =
      Set.of(
          "rateLimit",
          "ipFilter",
          "requestLimits",
          "idempotency",
          "cache",
          "cors",
          "methods",
          "transform",
          "jwt",
          "subscription");
  private static final Set<String> OPERATION_POLICY_KEYS =
      Set.of(
          "rateLimit",
          "ipFilter",
          "requestLimits",
          "idempotency",
          "cache",
          "transform",
          "jwt",
          "subscription");
  private static final Set<String> CORS_KEYS =
      Set.of(
          "allowedOrigins",
          "allowedMethods",
          "allowedHeaders",
          "exposedHeaders",
          "allowCredentials",
          "maxAge");
  private static final Pattern CIDR =
      // literal addresses only: a host name would be looked up in DNS
      Pattern.compile("(\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)(/\\d{1,3})?");
  private static final Set<String> RATE_LIMIT_KEYS = Set.of("limit", "window", "key");
  private static final Duration DEFAULT_BACKEND_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final JsonMapper JSON = JsonMapper.shared();

  private final YAMLMapper yaml = YAMLMapper.builder().build();
  private final Duration defaultTimeout;
  private final NamedValues namedValues;
  private final Set<String> jwtIssuers;

  /**
   * @param defaultTimeout timeout of operations that set none
   */
  public CatalogLoader(Duration defaultTimeout) {
    this(defaultTimeout, NamedValues.NONE, null);
  }

  /**
   * @param defaultTimeout timeout of operations that set none
   * @param namedValues the values {@code {{name}}} in policies and backend URLs refer to
   */
  public CatalogLoader(Duration defaultTimeout, NamedValues namedValues) {
    this(defaultTimeout, namedValues, null);
  }

  /**
   * @param defaultTimeout timeout of operations that set none
   * @param jwtIssuers the trusted issuers' names {@code policies.jwt.issuers} may use; {@code null}
   *     to accept any name (when the gateway's configuration is not at hand)
   */
  public CatalogLoader(Duration defaultTimeout, Set<String> jwtIssuers) {
    this(defaultTimeout, NamedValues.NONE, jwtIssuers);
  }

  /**
   * @param defaultTimeout timeout of operations that set none
   * @param namedValues the values {@code {{name}}} in policies and backend URLs refer to
   * @param jwtIssuers the trusted issuers' names {@code policies.jwt.issuers} may use; {@code null}
   *     to accept any name
   */
  public CatalogLoader(Duration defaultTimeout, NamedValues namedValues, Set<String> jwtIssuers) {
    this.defaultTimeout = defaultTimeout;
    this.namedValues = namedValues;
    this.jwtIssuers = jwtIssuers == null ? null : Set.copyOf(jwtIssuers);
  }

  /** Files named values are read from; a change reloads the catalog like a catalog file's. */
  public List<Path> namedValueFiles() {
    return namedValues.files();
  }

  /**
   * Reads one catalog file.
   *
   * @param catalogDir the catalog folder; schema paths are relative to it and may not leave it
   * @param file a YAML file in that folder
   * @throws CatalogException listing every problem of the file
   */
  public ApiDefinition load(Path catalogDir, Path file) {
    String source = catalogDir.relativize(file).toString();
    JsonNode root;
    try {
      root = yaml.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new CatalogException(source, "cannot be read: " + e.getMessage(), e);
    } catch (JacksonException e) {
      throw new CatalogException(source, "is not valid YAML: " + e.getOriginalMessage(), e);
    }
    FileReader reader = new FileReader(catalogDir, source);
    ApiDefinition api = reader.api(root);
    if (!reader.problems.isEmpty()) {
      throw new CatalogException(source, reader.problems);
    }
    return api;
  }

  /**
   * Checks what single files cannot: no two files define the same API version or the same method
   * and path.
   *
   * @throws CatalogException naming the files in conflict
   */
  public static void checkConsistency(Collection<ApiDefinition> apis) {
    List<String> problems = new ArrayList<>();
    Map<String, String> versions = new HashMap<>();
    Map<String, ApiDefinition> routes = new HashMap<>();
    for (ApiDefinition api : apis) {
      String previous = versions.putIfAbsent(api.revisionId(), api.source());
      if (previous != null) {
        problems.add(
            "API %s %s%s is defined in both %s and %s"
                .formatted(
                    api.name(),
                    api.version(),
                    api.versioning().revision() == 1
                        ? ""
                        : " revision " + api.versioning().revision(),
                    previous,
                    api.source()));
      }
      for (Operation operation : api.operations()) {
        String route = operation.method() + " " + normalize(operation.path());
        ApiDefinition owner = routes.putIfAbsent(route, api);
        if (owner != null
            && !owner.source().equals(api.source())
            && !ApiVersions.mayShareRoutes(owner, api)) {
          problems.add(
              "%s %s is defined in both %s and %s"
                  .formatted(operation.method(), operation.path(), owner.source(), api.source()));
        }
      }
    }
    problems.addAll(ApiVersions.problems(apis));
    if (!problems.isEmpty()) {
      throw new CatalogException("(catalog)", problems);
    }
  }

  /** Path templates that differ only in variable names match the same requests. */
  static String normalize(String pathTemplate) {
    return pathTemplate.replaceAll("\\{[^}]*}", "{}");
  }

  /** Validates one file's tree, collecting problems instead of stopping at the first. */
  private final class FileReader {
    private final Path catalogDir;
    private final String source;
    private final List<String> problems = new ArrayList<>();
    private final TransformsReader transforms = new TransformsReader(problems, namedValues);

    FileReader(Path catalogDir, String source) {
      this.catalogDir = catalogDir;
      this.source = source;
    }

    ApiDefinition api(JsonNode root) {
      if (root == null || !root.isObject()) {
        problems.add("(root): must be a mapping with name, version, basePath and operations");
        return null;
      }
      unknownKeys(root, "", union(API_KEYS, VersioningReader.KEYS));
      String name = text(root, "name", true, NAME, "lowercase letters, digits and dashes");
      String version = text(root, "version", true, VERSION, "letters, digits, '.', '_', '-'");
      String title = text(root, "title", false, null, null);
      String description = text(root, "description", false, null, null);
      String basePath =
          text(root, "basePath", true, BASE_PATH, "a path like /orders/v1, without a trailing /");
      UnknownFields unknownFields = unknownFields(root);
      Backend apiBackend = root.has("backend") ? backend(root.get("backend"), "backend") : null;
      String apiId = name + "-" + version;
      JsonNode apiPolicies = root.get("policies");
      Policies policies = policies(apiPolicies, "policies", apiId, API_POLICY_KEYS, Policies.NONE);
      CorsPolicy cors = apiPolicies == null ? null : cors(apiPolicies.get("cors"));
      Set<HttpMethod> methods = apiPolicies == null ? null : methodList(apiPolicies.get("methods"));
      Path openapi = openapi(root);
      Defaults defaults = new Defaults(root.has("backend"), apiBackend, policies, apiId);
      List<Operation> operations = new ArrayList<>();
      JsonNode ops = root.get("operations");
      if (ops == null || !ops.isArray() || ops.isEmpty()) {
        problems.add("operations: must be a non-empty list");
      } else {
        Set<String> ids = new HashSet<>();
        Set<String> routes = new HashSet<>();
        for (int i = 0; i < ops.size(); i++) {
          Operation operation =
              operation(
                  ops.get(i),
                  "operations[" + i + "]",
                  name,
                  version,
                  basePath,
                  unknownFields,
                  defaults);
          if (operation == null) {
            continue;
          }
          if (!ids.add(operation.id())) {
            problems.add("operations[%d].id: '%s' is used twice".formatted(i, operation.id()));
          }
          if (!routes.add(operation.method() + " " + normalize(operation.path()))) {
            problems.add(
                "operations[%d]: %s %s is defined twice"
                    .formatted(i, operation.method(), operation.path()));
          }
          operations.add(operation);
        }
      }
      Versioning versioning = new VersioningReader(problems).read(root);
      List<String> tags = strings(root.get("tags"), "tags");
      JsonNode deprecated = root.get("deprecated");
      if (deprecated != null && !deprecated.isBoolean()) {
        problems.add("deprecated: must be true or false");
      }
      return new ApiDefinition(
          name,
          version,
          title,
          description,
          basePath,
          operations,
          source,
          cors,
          methods,
          openapi,
          tags,
          deprecated != null && deprecated.isBoolean() && deprecated.asBoolean(),
          versioning);
    }

    private Operation operation(
        JsonNode node,
        String at,
        String api,
        String version,
        String basePath,
        UnknownFields unknownFields,
        Defaults defaults) {
      if (!node.isObject()) {
        problems.add(at + ": must be a mapping");
        return null;
      }
      int before = problems.size();
      unknownKeys(node, at + ".", OPERATION_KEYS);
      String id =
          text(node, at, "id", true, OPERATION_ID, "a letter then letters, digits, '_', '-'");
      HttpMethod method = method(node, at);
      String path = text(node, at, "path", true, PATH, "a path like /orders or /orders/{orderId}");
      String summary = text(node, at, "summary", false, null, null);
      List<String> scopes = scopes(node, at);
      Optional<Schema> requestSchema = schema(node, at, "request");
      Optional<Schema> responseSchema = schema(node, at, "response");
      Backend backend = operationBackend(node, at, defaults);
      Duration timeout = timeout(node, at);
      OnTimeout onTimeout = onTimeout(node, at);
      Policies policies =
          policies(
              node.get("policies"),
              at + ".policies",
              defaults.apiId() + "." + id,
              OPERATION_POLICY_KEYS,
              defaults.policies());
      if (requestSchema.isPresent() && backend != null && !(backend instanceof Backend.Workflow)) {
        // the body is streamed to a pass-through backend as it comes, never buffered here
        problems.add(at + ".request.schema: is only supported with a workflow backend");
      }
      transforms.checkOperation(
          policies.transforms(),
          backend,
          basePath == null || path == null ? null : basePath + path,
          at + ".policies.transform");
      if (problems.size() > before || basePath == null) {
        return null;
      }
      return new Operation(
          api,
          version,
          id,
          method,
          basePath + path,
          summary,
          scopes,
          requestSchema,
          responseSchema,
          unknownFields,
          backend,
          timeout,
          onTimeout,
          policies);
    }

    private HttpMethod method(JsonNode node, String at) {
      String value = text(node, at, "method", true, null, null);
      if (value == null) {
        return null;
      }
      HttpMethod method = HttpMethod.valueOf(value.toUpperCase(Locale.ROOT));
      if (!METHODS.contains(method) || !value.equals(method.name())) {
        problems.add(
            at + ".method: must be one of GET, POST, PUT, PATCH, DELETE, got '" + value + "'");
        return null;
      }
      return method;
    }

    private List<String> scopes(JsonNode node, String at) {
      JsonNode scopes = node.get("scopes");
      if (scopes == null || scopes.isNull()) {
        return List.of();
      }
      if (!scopes.isArray()) {
        problems.add(at + ".scopes: must be a list of scope names");
        return List.of();
      }
      List<String> result = new ArrayList<>();
      for (int i = 0; i < scopes.size(); i++) {
        JsonNode scope = scopes.get(i);
        if (!scope.isString() || !SCOPE.matcher(scope.asString()).matches()) {
          problems.add(
              "%s.scopes[%d]: must be a scope name without spaces or quotes".formatted(at, i));
        } else {
          result.add(scope.asString());
        }
      }
      return result;
    }

    private Optional<Schema> schema(JsonNode node, String at, String key) {
      JsonNode section = node.get(key);
      if (section == null || section.isNull()) {
        return Optional.empty();
      }
      String where = at + "." + key;
      if (!section.isObject()) {
        problems.add(where + ": must be a mapping with 'schema'");
        return Optional.empty();
      }
      unknownKeys(section, where + ".", Set.of("schema"));
      String file = text(section, where, "schema", true, null, null);
      if (file == null) {
        return Optional.empty();
      }
      Path dir = catalogDir.toAbsolutePath().normalize();
      Path path = dir.resolve(file).normalize();
      if (!path.startsWith(dir)) {
        problems.add(where + ".schema: '" + file + "' is outside the catalog folder");
        return Optional.empty();
      }
      if (!path.startsWith(dir.resolve(ApiSchemas.FOLDER))) {
        // bin/junction schemas register and the build's compatibility check look there only
        problems.add(
            where
                + ".schema: '"
                + file
                + "' must be under "
                + ApiSchemas.FOLDER
                + "/ (schemas/<api>/<version>/<Record>.avsc), where schemas are registered from");
        return Optional.empty();
      }
      if (!Files.isRegularFile(path)) {
        problems.add(
            where + ".schema: file '" + file + "' does not exist (relative to the catalog folder)");
        return Optional.empty();
      }
      try {
        Schema schema = new Schema.Parser().parse(path.toFile());
        if (schema.getType() != Schema.Type.RECORD) {
          problems.add(
              where
                  + ".schema: '"
                  + file
                  + "' must be an Avro record schema, is "
                  + schema.getType().getName());
          return Optional.empty();
        }
        return Optional.of(schema);
      } catch (SchemaParseException e) {
        problems.add(
            where + ".schema: '" + file + "' is not a valid Avro schema: " + e.getMessage());
      } catch (IOException e) {
        problems.add(where + ".schema: '" + file + "' cannot be read: " + e.getMessage());
      }
      return Optional.empty();
    }

    /** The operation's mock, else its own backend, else the API's. */
    private Backend operationBackend(JsonNode node, String at, Defaults defaults) {
      if (node.has("mock")) {
        if (node.has("backend")) {
          // checked for mistakes even though the mock answers instead
          backend(node.get("backend"), at + ".backend");
        }
        MockResponse mock = mock(node.get("mock"), at + ".mock");
        return mock == null ? null : new Backend.Mock(mock);
      }
      if (node.has("backend")) {
        return backend(node.get("backend"), at + ".backend");
      }
      if (!defaults.backendDeclared()) {
        problems.add(
            at
                + ".backend: is required (a mapping with 'workflow' or 'url'), unless the API sets"
                + " a backend or the operation a mock");
      }
      return defaults.backend();
    }

    private Backend backend(JsonNode backend, String where) {
      if (backend == null || !backend.isObject()) {
        problems.add(where + ": must be a mapping with 'workflow' or 'url'");
        return null;
      }
      if (backend.has("workflow") == backend.has("url")) {
        problems.add(where + ": must have exactly one of 'workflow' and 'url'");
        return null;
      }
      if (backend.has("workflow")) {
        unknownKeys(backend, where + ".", Set.of("workflow"));
        String workflow =
            text(backend, where, "workflow", true, NAME, "lowercase letters, digits and dashes");
        return workflow == null ? null : new Backend.Workflow(workflow);
      }
      unknownKeys(backend, where + ".", HTTP_BACKEND_KEYS);
      URI url = backendUrl(backend, where);
      Duration timeout =
          duration(backend, where, "timeout", DEFAULT_BACKEND_TIMEOUT, "5s or 500ms");
      Duration connectTimeout =
          duration(backend, where, "connectTimeout", DEFAULT_CONNECT_TIMEOUT, "2s or 500ms");
      RetryPolicy retry = retry(backend.get("retry"), where + ".retry");
      CircuitBreakerPolicy circuitBreaker =
          circuitBreaker(backend.get("circuitBreaker"), where + ".circuitBreaker");
      if (url == null || timeout == null || connectTimeout == null) {
        return null;
      }
      return new Backend.Http(
          url,
          timeout,
          connectTimeout,
          retry,
          circuitBreaker,
          backend.get("url").asString().contains("{{")
              ? backend.get("url").asString().trim()
              : url.toString());
    }

    private URI backendUrl(JsonNode backend, String where) {
      String written = text(backend, where, "url", true, null, null);
      if (written == null) {
        return null;
      }
      String value = expandNamedValues(written, where + ".url");
      if (value == null) {
        return null;
      }
      try {
        URI url = new URI(value);
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
            || url.getHost() == null
            || url.getRawQuery() != null
            || url.getRawFragment() != null) {
          problems.add(
              where
                  + ".url: must be an http or https URL without query or fragment, got '"
                  + written
                  + "'");
          return null;
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        // without a trailing slash, so that base + "/pets" never doubles it
        return url.resolve(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
      } catch (URISyntaxException e) {
        // the message quotes the URL: only the text as written, never a named value's content
        problems.add(where + ".url: is not a valid URL: '" + written + "' (" + e.getReason() + ")");
        return null;
      }
    }

    /** {@code text} with its {@code {{name}}} placeholders replaced by their named values. */
    private String expandNamedValues(String text, String where) {
      try {
        Template template = Template.parse(text, namedValues, false);
        if (!template.isConstant()) {
          problems.add(where + ": may only hold named values ({{name}}), not request.*");
          return null;
        }
        return template.render((root, path) -> null, Template.Escaping.NONE);
      } catch (Template.InvalidTemplate e) {
        problems.add(where + ": " + e.getMessage());
        return null;
      }
    }

    private RetryPolicy retry(JsonNode node, String where) {
      if (node == null || node.isNull()) {
        return RetryPolicy.DEFAULT;
      }
      if (!node.isObject()) {
        problems.add(where + ": must be a mapping with retries, methods, backoff");
        return RetryPolicy.DEFAULT;
      }
      unknownKeys(node, where + ".", Set.of("retries", "methods", "backoff"));
      int retries = (int) number(node, where, "retries", RetryPolicy.DEFAULT.retries(), 0, 10);
      Set<HttpMethod> methods = RetryPolicy.DEFAULT.methods();
      JsonNode list = node.get("methods");
      if (list != null) {
        if (!list.isArray() || list.isEmpty()) {
          problems.add(where + ".methods: must be a non-empty list of HTTP methods");
        } else {
          methods = new LinkedHashSet<>();
          for (int i = 0; i < list.size(); i++) {
            String method = list.get(i).asString("");
            if (!method.matches("GET|HEAD|OPTIONS|PUT|DELETE|POST|PATCH")) {
              problems.add(
                  "%s.methods[%d]: must be an HTTP method in capitals, got '%s'"
                      .formatted(where, i, method));
            } else {
              methods.add(HttpMethod.valueOf(method));
            }
          }
        }
      }
      Duration backoff =
          duration(node, where, "backoff", RetryPolicy.DEFAULT.backoff(), "100ms or 1s");
      return new RetryPolicy(
          retries, methods, backoff == null ? RetryPolicy.DEFAULT.backoff() : backoff);
    }

    private CircuitBreakerPolicy circuitBreaker(JsonNode node, String where) {
      CircuitBreakerPolicy d = CircuitBreakerPolicy.DEFAULT;
      if (node == null || node.isNull()) {
        return d;
      }
      if (!node.isObject()) {
        problems.add(where + ": must be a mapping");
        return d;
      }
      unknownKeys(
          node,
          where + ".",
          Set.of("enabled", "failureRateThreshold", "slidingWindow", "minimumCalls", "openFor"));
      JsonNode enabled = node.get("enabled");
      if (enabled != null && !enabled.isBoolean()) {
        problems.add(where + ".enabled: must be true or false");
      }
      long threshold =
          number(node, where, "failureRateThreshold", (long) d.failureRateThreshold(), 1, 100);
      long window = number(node, where, "slidingWindow", d.slidingWindow(), 1, 10_000);
      long minimum = number(node, where, "minimumCalls", d.minimumCalls(), 1, 10_000);
      Duration openFor = duration(node, where, "openFor", d.openFor(), "30s or 1m");
      return new CircuitBreakerPolicy(
          enabled == null || enabled.asBoolean(),
          (float) threshold,
          (int) window,
          (int) minimum,
          openFor == null ? d.openFor() : openFor);
    }

    private MockResponse mock(JsonNode node, String where) {
      if (node == null || !node.isObject()) {
        problems.add(where + ": must be a mapping with status, and optionally body");
        return null;
      }
      unknownKeys(node, where + ".", Set.of("status", "contentType", "headers", "body"));
      int status = (int) number(node, where, "status", 200, 100, 599);
      String contentType = text(node, where, "contentType", false, null, null);
      Map<String, String> headers = new LinkedHashMap<>();
      JsonNode headerNode = node.get("headers");
      if (headerNode != null) {
        if (!headerNode.isObject()) {
          problems.add(where + ".headers: must be a mapping of header names to values");
        } else {
          for (String header : headerNode.propertyNames()) {
            headers.put(header, headerNode.get(header).asString(""));
          }
        }
      }
      JsonNode bodyNode = node.get("body");
      String body = null;
      if (bodyNode != null && !bodyNode.isNull()) {
        // a YAML structure is sent as JSON; a text value as it is
        body = bodyNode.isString() ? bodyNode.asString() : JSON.writeValueAsString(bodyNode);
        if (contentType == null) {
          contentType = bodyNode.isString() ? "text/plain" : "application/json";
        }
      }
      return new MockResponse(status, contentType, headers, body);
    }

    /**
     * The policies of a {@code policies} mapping on top of {@code inherited}: rate limits add up;
     * an IP filter or request limits replace the inherited ones.
     */
    private Policies policies(
        JsonNode node, String where, String name, Set<String> keys, Policies inherited) {
      if (node == null || node.isNull()) {
        return inherited;
      }
      if (!node.isObject()) {
        problems.add(where + ": must be a mapping of policies (" + new TreeSet<>(keys) + ")");
        return inherited;
      }
      unknownKeys(node, where + ".", keys);
      List<RateLimitPolicy> rateLimits = new ArrayList<>(inherited.rateLimits());
      JsonNode rateLimit = node.get("rateLimit");
      if (rateLimit != null && rateLimit.isArray()) {
        for (int i = 0; i < rateLimit.size(); i++) {
          RateLimitPolicy policy =
              rateLimit(rateLimit.get(i), where + ".rateLimit[" + i + "]", name + "#" + i);
          if (policy != null) {
            rateLimits.add(policy);
          }
        }
      } else if (rateLimit != null) {
        RateLimitPolicy policy = rateLimit(rateLimit, where + ".rateLimit", name);
        if (policy != null) {
          rateLimits.add(policy);
        }
      }
      Optional<IpFilterPolicy> ipFilter =
          node.has("ipFilter")
              ? Optional.ofNullable(ipFilter(node.get("ipFilter"), where + ".ipFilter"))
              : inherited.ipFilter();
      Optional<RequestLimits> limits =
          node.has("requestLimits")
              ? Optional.ofNullable(
                  requestLimits(node.get("requestLimits"), where + ".requestLimits"))
              : inherited.requestLimits();
      Optional<IdempotencyPolicy> idempotency =
          node.has("idempotency")
              ? Optional.ofNullable(idempotency(node.get("idempotency"), where + ".idempotency"))
              : inherited.idempotency();
      Optional<CachePolicy> cache =
          node.has("cache")
              ? Optional.ofNullable(cache(node.get("cache"), where + ".cache"))
              : inherited.cache();
      Transforms transform =
          node.has("transform")
              ? Transforms.merge(
                  inherited.transforms(),
                  transforms.read(node.get("transform"), where + ".transform"))
              : inherited.transforms();
      Optional<JwtPolicy> jwt =
          node.has("jwt")
              ? Optional.ofNullable(
                      JwtPolicy.read(node.get("jwt"), where + ".jwt", jwtIssuers, problems))
                  .map(own -> inherited.jwt().orElse(JwtPolicy.DEFAULTS).with(own))
              : inherited.jwt();
      Optional<SubscriptionPolicy> subscription =
          node.has("subscription")
              ? Optional.ofNullable(subscription(node.get("subscription"), where + ".subscription"))
              : inherited.subscription();
      return new Policies(
          rateLimits, ipFilter, limits, idempotency, cache, transform, jwt, subscription);
    }

    private SubscriptionPolicy subscription(JsonNode node, String where) {
      if (!node.isObject()) {
        problems.add(where + ": must be a mapping (required, tokenRequired, waiveScopes)");
        return null;
      }
      unknownKeys(node, where + ".", Set.of("required", "tokenRequired", "waiveScopes"));
      JsonNode required = node.get("required");
      if (required != null && !required.isBoolean()) {
        problems.add(where + ".required: must be true or false");
      }
      boolean tokenRequired = flag(node, where, "tokenRequired", false);
      boolean waiveScopes = flag(node, where, "waiveScopes", false);
      if (tokenRequired && waiveScopes) {
        problems.add(
            where + ": waiveScopes has no effect with tokenRequired (a token is always sent)");
      }
      return new SubscriptionPolicy(
          required != null && required.isBoolean() ? required.asBoolean() : null,
          tokenRequired,
          waiveScopes);
    }

    private CachePolicy cache(JsonNode node, String where) {
      if (!node.isObject()) {
        problems.add(where + ": must be a mapping (ttl, varyByQuery, varyByHeaders, varyByCaller)");
        return null;
      }
      unknownKeys(node, where + ".", Set.of("ttl", "varyByQuery", "varyByHeaders", "varyByCaller"));
      if (!node.has("ttl")) {
        problems.add(where + ".ttl: is required (e.g. 30s)");
      }
      Duration ttl = duration(node, where, "ttl", Duration.ofSeconds(30), "30s or 5m");
      boolean byQuery = flag(node, where, "varyByQuery", true);
      boolean byCaller = flag(node, where, "varyByCaller", true);
      List<String> headers = strings(node.get("varyByHeaders"), where + ".varyByHeaders");
      return ttl == null ? null : new CachePolicy(ttl, byQuery, headers, byCaller);
    }

    private boolean flag(JsonNode node, String at, String key, boolean fallback) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isBoolean()) {
        problems.add(at + "." + key + ": must be true or false");
        return fallback;
      }
      return value.asBoolean();
    }

    private IdempotencyPolicy idempotency(JsonNode node, String where) {
      if (!node.isObject()) {
        problems.add(where + ": must be a mapping (ttl, wait, required)");
        return null;
      }
      unknownKeys(node, where + ".", Set.of("ttl", "wait", "required"));
      Duration ttl = duration(node, where, "ttl", Duration.ofHours(24), "24h or 30m");
      Duration wait = duration(node, where, "wait", Duration.ofSeconds(10), "10s");
      JsonNode required = node.get("required");
      if (required != null && !required.isBoolean()) {
        problems.add(where + ".required: must be true or false");
      }
      if (ttl == null || wait == null) {
        return null;
      }
      return new IdempotencyPolicy(ttl, wait, required != null && required.asBoolean());
    }

    private IpFilterPolicy ipFilter(JsonNode node, String where) {
      if (!node.isObject()) {
        problems.add(where + ": must be a mapping with allow and/or deny lists of CIDR ranges");
        return null;
      }
      unknownKeys(node, where + ".", Set.of("allow", "deny"));
      List<String> allow = cidrs(node.get("allow"), where + ".allow");
      List<String> deny = cidrs(node.get("deny"), where + ".deny");
      if (allow.isEmpty() && deny.isEmpty()) {
        problems.add(where + ": needs an allow or a deny list");
        return null;
      }
      return new IpFilterPolicy(allow, deny);
    }

    private List<String> cidrs(JsonNode list, String where) {
      if (list == null || list.isNull()) {
        return List.of();
      }
      if (!list.isArray()) {
        problems.add(where + ": must be a list of CIDR ranges like 10.0.0.0/8");
        return List.of();
      }
      List<String> result = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String value = list.get(i).asString("");
        if (!validCidr(value)) {
          problems.add(
              "%s[%d]: must be an IP address or CIDR range like 10.0.0.0/8, got '%s'"
                  .formatted(where, i, value));
        } else {
          result.add(value);
        }
      }
      return result;
    }

    private static boolean validCidr(String value) {
      if (!CIDR.matcher(value).matches()) {
        return false;
      }
      try {
        new IpAddressMatcher(value);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    private RequestLimits requestLimits(JsonNode node, String where) {
      if (!node.isObject()) {
        problems.add(where + ": must be a mapping with maxBodySize and/or maxHeaderSize");
        return null;
      }
      unknownKeys(node, where + ".", Set.of("maxBodySize", "maxHeaderSize"));
      DataSize body = dataSize(node, where, "maxBodySize");
      DataSize headers = dataSize(node, where, "maxHeaderSize");
      return body == null && headers == null ? null : new RequestLimits(body, headers);
    }

    private DataSize dataSize(JsonNode node, String at, String key) {
      String value = text(node, at, key, false, null, null);
      if (value == null) {
        return null;
      }
      try {
        DataSize size = DataSize.parse(value);
        if (size.toBytes() <= 0) {
          problems.add(at + "." + key + ": must be positive, got '" + value + "'");
          return null;
        }
        return size;
      } catch (IllegalArgumentException e) {
        problems.add(at + "." + key + ": must be a size like 64KB or 1MB, got '" + value + "'");
        return null;
      }
    }

    private CorsPolicy cors(JsonNode node) {
      String where = "policies.cors";
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isObject()) {
        problems.add(where + ": must be a mapping with allowedOrigins");
        return null;
      }
      unknownKeys(node, where + ".", CORS_KEYS);
      List<String> origins = strings(node.get("allowedOrigins"), where + ".allowedOrigins");
      if (origins.isEmpty()) {
        problems.add(where + ".allowedOrigins: must list at least one origin (or \"*\")");
      }
      JsonNode credentials = node.get("allowCredentials");
      if (credentials != null && !credentials.isBoolean()) {
        problems.add(where + ".allowCredentials: must be true or false");
      }
      boolean allowCredentials = credentials != null && credentials.asBoolean();
      if (allowCredentials && origins.contains("*")) {
        problems.add(where + ": allowCredentials cannot be used with the origin \"*\"");
      }
      List<String> methods = strings(node.get("allowedMethods"), where + ".allowedMethods");
      List<String> headers =
          node.has("allowedHeaders")
              ? strings(node.get("allowedHeaders"), where + ".allowedHeaders")
              : List.of("*");
      List<String> exposed =
          node.has("exposedHeaders")
              ? strings(node.get("exposedHeaders"), where + ".exposedHeaders")
              : CorsPolicy.DEFAULT_EXPOSED;
      Duration maxAge = duration(node, where, "maxAge", Duration.ofMinutes(30), "30m or 1h");
      return new CorsPolicy(
          origins,
          methods,
          headers,
          exposed,
          allowCredentials,
          maxAge == null ? Duration.ofMinutes(30) : maxAge);
    }

    private Set<HttpMethod> methodList(JsonNode node) {
      if (node == null || node.isNull()) {
        return null;
      }
      Set<HttpMethod> methods = new LinkedHashSet<>();
      for (String method : strings(node, "policies.methods")) {
        if (!method.matches("GET|HEAD|OPTIONS|PUT|DELETE|POST|PATCH")) {
          problems.add(
              "policies.methods: must hold HTTP methods in capitals, got '" + method + "'");
        } else {
          methods.add(HttpMethod.valueOf(method));
        }
      }
      return methods;
    }

    private List<String> strings(JsonNode node, String where) {
      if (node == null || node.isNull()) {
        return List.of();
      }
      if (!node.isArray()) {
        problems.add(where + ": must be a list");
        return List.of();
      }
      List<String> values = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        if (!node.get(i).isString() || node.get(i).asString().isBlank()) {
          problems.add("%s[%d]: must be a text value".formatted(where, i));
        } else {
          values.add(node.get(i).asString().trim());
        }
      }
      return values;
    }

    private RateLimitPolicy rateLimit(JsonNode node, String where, String name) {
      if (!node.isObject()) {
        problems.add(where + ": must be a mapping with limit, window and key");
        return null;
      }
      int before = problems.size();
      unknownKeys(node, where + ".", RATE_LIMIT_KEYS);
      if (!node.has("limit")) {
        problems.add(where + ".limit: is required");
      }
      long limit = number(node, where, "limit", 1, 1, 1_000_000_000);
      if (!node.has("window")) {
        problems.add(where + ".window: is required (e.g. 10s, 1m, 1d)");
      }
      Duration window = duration(node, where, "window", Duration.ofSeconds(1), "10s or 1d");
      String keyText = text(node, where, "key", false, null, null);
      RateLimitKey key =
          keyText == null
              ? new RateLimitKey(RateLimitKey.Kind.CLIENT, null)
              : RateLimitKey.parse(keyText).orElse(null);
      if (key == null) {
        problems.add(
            where
                + ".key: must be client, subject, ip, subscription or header:NAME, got '"
                + keyText
                + "'");
      }
      if (problems.size() > before) {
        return null;
      }
      return new RateLimitPolicy(name, limit, window, key);
    }

    private Path openapi(JsonNode root) {
      String file = text(root, "openapi", false, null, null);
      if (file == null) {
        return null;
      }
      Path dir = catalogDir.toAbsolutePath().normalize();
      Path path = dir.resolve(file).normalize();
      if (!path.startsWith(dir)) {
        problems.add("openapi: '" + file + "' is outside the catalog folder");
        return null;
      }
      if (!Files.isRegularFile(path)) {
        problems.add(
            "openapi: file '" + file + "' does not exist (relative to the catalog folder)");
        return null;
      }
      return path;
    }

    private long number(JsonNode node, String at, String key, long fallback, long min, long max) {
      JsonNode value = node.get(key);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
        problems.add(
            "%s.%s: must be a whole number from %d to %d, got '%s'"
                .formatted(at, key, min, max, value.asString("")));
        return fallback;
      }
      return value.asLong();
    }

    private Duration duration(
        JsonNode node, String at, String key, Duration fallback, String example) {
      String value = text(node, at, key, false, null, null);
      if (value == null) {
        return fallback;
      }
      try {
        Duration duration = DurationStyle.detectAndParse(value);
        if (duration.isNegative() || duration.isZero()) {
          problems.add(at + "." + key + ": must be positive, got '" + value + "'");
          return null;
        }
        return duration;
      } catch (IllegalArgumentException e) {
        problems.add(
            at + "." + key + ": must be a duration like " + example + ", got '" + value + "'");
        return null;
      }
    }

    private Duration timeout(JsonNode node, String at) {
      String value = text(node, at, "timeout", false, null, null);
      if (value == null) {
        return defaultTimeout;
      }
      try {
        Duration timeout = DurationStyle.detectAndParse(value);
        if (timeout.isNegative() || timeout.isZero()) {
          problems.add(at + ".timeout: must be positive, got '" + value + "'");
        }
        return timeout;
      } catch (IllegalArgumentException e) {
        problems.add(at + ".timeout: must be a duration like 5s or 500ms, got '" + value + "'");
        return null;
      }
    }

    private UnknownFields unknownFields(JsonNode root) {
      String value = text(root, "unknownFields", false, null, null);
      if (value == null) {
        return UnknownFields.REFUSE;
      }
      return UnknownFields.fromYaml(value)
          .orElseGet(
              () -> {
                problems.add("unknownFields: must be refuse or drop, got '" + value + "'");
                return UnknownFields.REFUSE;
              });
    }

    private OnTimeout onTimeout(JsonNode node, String at) {
      String value = text(node, at, "onTimeout", false, null, null);
      if (value == null) {
        return OnTimeout.ACCEPTED;
      }
      return OnTimeout.fromYaml(value)
          .orElseGet(
              () -> {
                problems.add(
                    at + ".onTimeout: must be accepted or gateway-timeout, got '" + value + "'");
                return null;
              });
    }

    private String text(
        JsonNode node, String key, boolean required, Pattern pattern, String format) {
      return text(node, null, key, required, pattern, format);
    }

    private String text(
        JsonNode node, String at, String key, boolean required, Pattern pattern, String format) {
      return ConfigFields.text(node, at, key, required, pattern, format, problems);
    }

    private void unknownKeys(JsonNode node, String prefix, Set<String> known) {
      ConfigFields.unknownKeys(node, prefix, known, problems);
    }
  }

  /** What an API file sets for all its operations. */
  private record Defaults(
      boolean backendDeclared, Backend backend, Policies policies, String apiId) {}

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }
}
