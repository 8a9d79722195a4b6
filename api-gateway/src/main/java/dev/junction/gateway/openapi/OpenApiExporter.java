package dev.junction.gateway.openapi;

import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.ApiVersions;
import dev.junction.gateway.catalog.Backend;
import dev.junction.gateway.catalog.MockResponse;
import dev.junction.gateway.catalog.Operation;
import dev.junction.gateway.catalog.Versioning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.function.SingletonSupplier;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The OpenAPI 3.0 document of an API version, served at {@code GET
 * /apis/{api}/{version}/openapi.json}: its operations as the gateway serves them (paths under the
 * base path, the bearer token, the scopes, problem answers). Composite operations describe their
 * bodies through their Avro schemas; an API imported from an OpenAPI 3.0 document keeps that
 * document's parameters, bodies, responses and components.
 */
public final class OpenApiExporter {

  /** The OpenAPI version of every exported document. */
  public static final String OPENAPI_VERSION = "3.0.3";

  private static final Logger log = LoggerFactory.getLogger(OpenApiExporter.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}]+)}");
  private static final Set<String> COPIED_OPERATION_FIELDS =
      Set.of(
          "tags",
          "description",
          "externalDocs",
          "parameters",
          "requestBody",
          "responses",
          "callbacks",
          "deprecated");
  private static final String BEARER = "bearerAuth";
  private static final String PROBLEM_REF = "#/components/schemas/JunctionProblem";
  private static final String ACCEPTED_REF = "#/components/schemas/JunctionRunAccepted";

  private final JsonMapper json;
  private final YAMLMapper yaml = YAMLMapper.builder().build();

  public OpenApiExporter(JsonMapper json) {
    this.json = json;
  }

  /** A filter answering the document of {@code api}, rendered once on first use. */
  public GatewayFilter filter(ApiDefinition api) {
    SingletonSupplier<byte[]> document =
        SingletonSupplier.of(() -> json.writeValueAsBytes(export(api)));
    return (exchange, chain) -> {
      byte[] bytes = document.obtain();
      ServerHttpResponse response = exchange.getResponse();
      response.setStatusCode(HttpStatus.OK);
      response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
      response.getHeaders().setContentLength(bytes.length);
      return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
    };
  }

  /** The path the document of {@code api} is served at. */
  public static String path(ApiDefinition api) {
    return "/apis/" + api.name() + "/" + api.version() + "/openapi.json";
  }

  /** The document. */
  public ObjectNode export(ApiDefinition api) {
    JsonNode source = source(api);
    ObjectNode root = NODES.objectNode();
    root.put("openapi", OPENAPI_VERSION);
    ObjectNode info = root.putObject("info");
    info.put("title", api.title() == null ? api.name() : api.title());
    if (api.description() != null) {
      info.put("description", api.description());
    }
    info.put("version", api.version());
    changeLog(api, info);
    root.putArray("servers")
        .addObject()
        .put("url", api.basePath())
        .put("description", "this gateway");
    root.putArray("security").addObject().putArray(BEARER);
    if (source.has("tags")) {
      root.set("tags", source.get("tags"));
    }
    ObjectNode paths = root.putObject("paths");
    for (Operation operation : api.operations()) {
      String path = operation.path().substring(api.basePath().length());
      path = path.isEmpty() ? "/" : path;
      String method = operation.method().name().toLowerCase(Locale.ROOT);
      JsonNode sourceItem = source.path("paths").path(path);
      ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
      if (sourceItem.has("parameters")) {
        item.set("parameters", sourceItem.get("parameters"));
      }
      ObjectNode exported = operation(operation, path, sourceItem.path(method));
      if (api.versioning().scheme() == Versioning.Scheme.HEADER) {
        versionHeader(api, exported);
      }
      item.set(method, exported);
    }
    root.set("components", components(source.path("components")));
    return root;
  }

  /**
   * The file's revision and change log: as {@code x-junction-revision} and {@code
   * x-junction-changelog} (extensions the OpenAPI 3.0 Info object allows) and, for readers that
   * ignore extensions, a "Change log" section at the end of the description.
   */
  private static void changeLog(ApiDefinition api, ObjectNode info) {
    Versioning versioning = api.versioning();
    info.put("x-junction-revision", versioning.revision());
    if (versioning.changeLog().isEmpty()) {
      return;
    }
    ArrayNode entries = info.putArray("x-junction-changelog");
    StringBuilder text = new StringBuilder(info.path("description").asString(""));
    text.append(text.isEmpty() ? "" : "\n\n").append("## Change log\n");
    for (Versioning.ChangeLogEntry entry : versioning.changeLog()) {
      entries
          .addObject()
          .put("revision", entry.revision())
          .put("date", entry.date().toString())
          .put("description", entry.description());
      text.append("\n- ")
          .append(entry.date())
          .append(" (revision ")
          .append(entry.revision())
          .append("): ")
          .append(entry.description());
    }
    info.put("description", text.toString());
  }

  /** The {@code Api-Version} header a header-versioned API's calls carry to reach this version. */
  private static void versionHeader(ApiDefinition api, ObjectNode operation) {
    ArrayNode parameters =
        operation.has("parameters")
            ? (ArrayNode) operation.get("parameters")
            : operation.putArray("parameters");
    ObjectNode parameter = parameters.addObject();
    parameter.put("name", ApiVersions.VERSION_HEADER).put("in", "header").put("required", false);
    parameter.put(
        "description",
        "Selects this version; without it the API's default version (if it has one) answers");
    parameter.putObject("schema").put("type", "string").putArray("enum").add(api.version());
  }

  private ObjectNode operation(Operation operation, String path, JsonNode source) {
    ObjectNode node = NODES.objectNode();
    node.put("operationId", operation.id());
    if (operation.summary() != null) {
      node.put("summary", operation.summary());
    } else if (source.has("summary")) {
      node.set("summary", source.get("summary"));
    }
    for (String field : COPIED_OPERATION_FIELDS) {
      if (source.has(field)) {
        node.set(field, source.get(field));
      }
    }
    if (!node.has("parameters") && !pathVariables(path).isEmpty()) {
      ArrayNode parameters = node.putArray("parameters");
      for (String variable : pathVariables(path)) {
        ObjectNode parameter = parameters.addObject();
        parameter.put("name", variable).put("in", "path").put("required", true);
        parameter.putObject("schema").put("type", "string");
      }
    }
    if (!node.has("requestBody")) {
      operation
          .requestSchema()
          .ifPresent(
              schema -> {
                ObjectNode body = node.putObject("requestBody").put("required", true);
                body.putObject("content")
                    .putObject("application/json")
                    .set("schema", AvroJsonSchemas.of(schema));
              });
    }
    ObjectNode responses =
        node.has("responses") ? (ObjectNode) node.get("responses") : node.putObject("responses");
    if (responses.isEmpty()) {
      generatedResponses(operation, responses);
    }
    if (!responses.has("default")) {
      ObjectNode problem =
          responses.putObject("default").put("description", "The call was refused or failed");
      problem
          .putObject("content")
          .putObject("application/problem+json")
          .putObject("schema")
          .put("$ref", PROBLEM_REF);
    }
    if (!operation.scopes().isEmpty()) {
      String scopes = String.join(", ", operation.scopes());
      String description = node.path("description").asString("");
      node.put(
          "description",
          (description.isEmpty() ? "" : description + "\n\n") + "Requires scopes: " + scopes);
      ArrayNode extension = node.putArray("x-junction-scopes");
      operation.scopes().forEach(extension::add);
    }
    return node;
  }

  private void generatedResponses(Operation operation, ObjectNode responses) {
    switch (operation.backend()) {
      case Backend.Workflow workflow -> {
        ObjectNode ok =
            responses
                .putObject("2XX")
                .put("description", "The answer of workflow " + workflow.name());
        operation
            .responseSchema()
            .ifPresent(
                schema ->
                    ok.putObject("content")
                        .putObject("application/json")
                        .set("schema", AvroJsonSchemas.of(schema)));
        ObjectNode accepted =
            responses
                .putObject("202")
                .put("description", "Still running: read the result from the Location later");
        accepted
            .putObject("headers")
            .putObject("Location")
            .put("description", "/runs/{runId}")
            .putObject("schema")
            .put("type", "string");
        accepted
            .putObject("content")
            .putObject("application/json")
            .putObject("schema")
            .put("$ref", ACCEPTED_REF);
      }
      case Backend.Http http ->
          responses.putObject("2XX").put("description", "The answer of the backend");
      case Backend.Mock mock -> mockResponse(mock.response(), responses);
    }
  }

  private void mockResponse(MockResponse mock, ObjectNode responses) {
    ObjectNode response =
        responses.putObject(Integer.toString(mock.status())).put("description", "Mock response");
    if (mock.body() != null && mock.contentType() != null) {
      ObjectNode media = response.putObject("content").putObject(mock.contentType());
      if (MediaType.parseMediaType(mock.contentType()).isCompatibleWith(MediaType.APPLICATION_JSON)
          || mock.contentType().endsWith("+json")) {
        try {
          media.set("example", json.readTree(mock.body()));
          return;
        } catch (JacksonException e) {
          // not JSON after all: shown as text below
        }
      }
      media.put("example", mock.body());
    }
  }

  private ObjectNode components(JsonNode source) {
    ObjectNode components = NODES.objectNode();
    for (String section :
        List.of(
            "schemas",
            "responses",
            "parameters",
            "examples",
            "requestBodies",
            "headers",
            "links",
            "callbacks")) {
      if (source.has(section)) {
        components.set(section, source.get(section).deepCopy());
      }
    }
    ObjectNode schemas =
        components.has("schemas")
            ? (ObjectNode) components.get("schemas")
            : components.putObject("schemas");
    ObjectNode problem = schemas.putObject("JunctionProblem").put("type", "object");
    problem.put("description", "RFC 9457 problem details");
    ObjectNode properties = problem.putObject("properties");
    properties.putObject("type").put("type", "string").put("format", "uri");
    properties.putObject("title").put("type", "string");
    properties.putObject("status").put("type", "integer");
    properties.putObject("detail").put("type", "string");
    ObjectNode error = properties.putObject("errors").put("type", "array").putObject("items");
    error.put("type", "object");
    error.putObject("properties").putObject("pointer").put("type", "string");
    ((ObjectNode) error.get("properties")).putObject("reason").put("type", "string");
    ObjectNode accepted = schemas.putObject("JunctionRunAccepted").put("type", "object");
    ObjectNode acceptedProperties = accepted.putObject("properties");
    acceptedProperties.putObject("runId").put("type", "string");
    acceptedProperties.putObject("status").put("type", "string");
    acceptedProperties.putObject("location").put("type", "string");
    components
        .putObject("securitySchemes")
        .putObject(BEARER)
        .put("type", "http")
        .put("scheme", "bearer")
        .put("bearerFormat", "JWT")
        .put(
            "description",
            "An access token of a trusted issuer; scopes per operation in x-junction-scopes");
    return components;
  }

  /** The source OpenAPI 3.0 document, or an empty node when there is none or it is not 3.0. */
  private JsonNode source(ApiDefinition api) {
    if (api.openapi() == null) {
      return NODES.objectNode();
    }
    try {
      JsonNode document = yaml.readTree(Files.readString(api.openapi()));
      if (document.path("openapi").asString("").startsWith("3.0")) {
        return document;
      }
      log.info(
          "{}: {} is not OpenAPI 3.0; the exported document describes the operations only",
          api.source(),
          api.openapi());
      return NODES.objectNode();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + api.openapi(), e);
    }
  }

  private static List<String> pathVariables(String path) {
    Matcher matcher = PATH_VARIABLE.matcher(path);
    List<String> variables = new java.util.ArrayList<>();
    while (matcher.find()) {
      variables.add(matcher.group(1));
    }
    return variables;
  }
}
