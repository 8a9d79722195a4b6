package dev.junction.gateway.openapi;

import dev.junction.gateway.catalog.ApiDefinition;
import dev.junction.gateway.catalog.CatalogException;
import dev.junction.gateway.catalog.CatalogLoader;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * Turns an OpenAPI 3 document into a pass-through catalog entry ({@code bin/junction apis import}):
 * one operation per path and method, the backend from {@code --backend} or the document's first
 * absolute server URL, and with {@code mock} a mock response per operation from its success
 * response's examples (or an example built from its schema). The document is copied next to the
 * entry ({@code openapi/<name>-<version>.yaml}), so the exported OpenAPI keeps its schemas. The
 * entry is validated like any catalog file before anything is written into the catalog folder.
 */
public final class OpenApiImporter {

  /** Folder of the catalog holding imported OpenAPI documents. */
  public static final String OPENAPI_FOLDER = "openapi";

  private static final Pattern OPERATION_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final Pattern CATALOG_PATH =
      Pattern.compile("(/([A-Za-z0-9._~-]+|\\{[A-Za-z][A-Za-z0-9_]*}))+");
  private static final Set<PathItem.HttpMethod> METHODS =
      Set.of(
          PathItem.HttpMethod.GET,
          PathItem.HttpMethod.POST,
          PathItem.HttpMethod.PUT,
          PathItem.HttpMethod.PATCH,
          PathItem.HttpMethod.DELETE);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonMapper json = JsonMapper.shared();
  private final YAMLMapper yaml =
      YAMLMapper.builder()
          .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
          .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
          .enable(YAMLWriteFeature.INDENT_ARRAYS_WITH_INDICATOR)
          .build();

  /**
   * What to import as.
   *
   * @param name catalog name; by default derived from the document's title
   * @param version version; by default {@code v} + the major of the document's version
   * @param basePath base path; by default {@code /<name>/<version>}
   * @param backend backend URL; by default the document's first absolute http(s) server
   * @param mock answer every operation with a mock response from its examples
   * @param rateLimit a rate limit per client for the whole API, e.g. {@code 20/10s}, or null
   * @param overwrite replace an existing catalog entry of the same name and version
   */
  public record Options(
      String name,
      String version,
      String basePath,
      URI backend,
      boolean mock,
      String rateLimit,
      boolean overwrite) {}

  /**
   * What was written.
   *
   * @param entry the catalog file
   * @param document the copy of the OpenAPI document
   * @param operations operations imported
   * @param notes what was left out or assumed, for the user to review
   */
  public record Result(Path entry, Path document, int operations, List<String> notes) {}

  /** Raised when the document cannot be imported; the message says why. */
  public static final class ImportException extends RuntimeException {
    public ImportException(String message) {
      super(message);
    }
  }

  /**
   * @param file the OpenAPI 3 document (YAML or JSON)
   * @param catalogDir the catalog folder to write into
   */
  public Result importFile(Path file, Path catalogDir, Options options) {
    String content;
    try {
      content = Files.readString(file);
    } catch (IOException e) {
      throw new ImportException("cannot read " + file + ": " + e.getMessage());
    }
    ParseOptions parse = new ParseOptions();
    // never fetch what a document points to: only its own components are used
    parse.setResolve(false);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(content, null, parse);
    OpenAPI document = parsed.getOpenAPI();
    if (document == null || document.getPaths() == null) {
      throw new ImportException(
          file
              + " is not an OpenAPI 3 document"
              + (parsed.getMessages() == null || parsed.getMessages().isEmpty()
                  ? ""
                  : ": " + String.join("; ", parsed.getMessages())));
    }
    List<String> notes = new ArrayList<>();
    if (parsed.getMessages() != null) {
      parsed.getMessages().forEach(message -> notes.add("document: " + message));
    }
    String name = options.name() != null ? options.name() : slug(document.getInfo().getTitle());
    String version =
        options.version() != null
            ? options.version()
            : majorVersion(document.getInfo().getVersion());
    String basePath = options.basePath() != null ? options.basePath() : "/" + name + "/" + version;
    URI backend = options.backend() != null ? options.backend() : server(document).orElse(null);
    if (backend == null && !options.mock()) {
      throw new ImportException(
          "the document names no absolute http(s) server: pass --backend URL, or --mock");
    }
    String id = name + "-" + version;
    Path entry = catalogDir.resolve(id + ".yaml");
    if (Files.exists(entry) && !options.overwrite()) {
      throw new ImportException(entry + " exists already; pass --force to replace it");
    }
    String extension = file.getFileName().toString().endsWith(".json") ? ".json" : ".yaml";
    String documentName = OPENAPI_FOLDER + "/" + id + extension;

    ObjectNode root = NODES.objectNode();
    root.put("name", name);
    root.put("version", version);
    root.put("title", document.getInfo().getTitle());
    if (document.getInfo().getDescription() != null) {
      root.put("description", firstParagraph(document.getInfo().getDescription()));
    }
    root.put("basePath", basePath);
    root.put("openapi", documentName);
    if (backend != null) {
      root.putObject("backend").put("url", backend.toString());
    }
    if (options.rateLimit() != null) {
      rateLimit(root, options.rateLimit());
    }
    ArrayNode operations = root.putArray("operations");
    ExampleGenerator examples = new ExampleGenerator(document, json);
    Set<String> ids = new HashSet<>();
    document
        .getPaths()
        .forEach(
            (path, item) ->
                item.readOperationsMap()
                    .forEach(
                        (method, operation) -> {
                          String where = method + " " + path;
                          if (!METHODS.contains(method)) {
                            notes.add(
                                where
                                    + ": left out (the catalog serves GET, POST, PUT,"
                                    + " PATCH, DELETE)");
                            return;
                          }
                          if (!CATALOG_PATH.matcher(path).matches()) {
                            notes.add(where + ": left out (path not supported by the catalog)");
                            return;
                          }
                          String operationId =
                              operationId(operation.getOperationId(), method, path);
                          if (!ids.add(operationId)) {
                            notes.add(
                                where + ": left out (operation id " + operationId + " used twice)");
                            return;
                          }
                          ObjectNode node = operations.addObject();
                          node.put("id", operationId);
                          node.put("method", method.name());
                          node.put("path", path);
                          if (operation.getSummary() != null) {
                            node.put("summary", operation.getSummary());
                          }
                          if (options.mock()) {
                            node.set("mock", mock(document, operation.getResponses(), examples));
                          }
                        }));
    if (operations.isEmpty()) {
      throw new ImportException(file + " has no operation the catalog can serve");
    }
    if (backend == null) {
      notes.add("no backend URL: every operation answers its mock");
    }
    notes.add("scopes are not imported: add `scopes:` to operations that need them");
    return write(file, catalogDir, entry, documentName, root, operations.size(), notes);
  }

  private Result write(
      Path file,
      Path catalogDir,
      Path entry,
      String documentName,
      ObjectNode root,
      int operations,
      List<String> notes) {
    Path staging = null;
    try {
      // validated in a staging folder shaped like the catalog, then moved in: the gateway never
      // sees a half-written or invalid entry
      staging = Files.createTempDirectory("junction-import");
      Path stagedDocument = staging.resolve(documentName);
      Files.createDirectories(stagedDocument.getParent());
      Files.copy(file, stagedDocument);
      Path stagedEntry = staging.resolve(entry.getFileName());
      Files.writeString(stagedEntry, yaml.writeValueAsString(root));
      ApiDefinition api = new CatalogLoader(Duration.ofSeconds(10)).load(staging, stagedEntry);
      Path document = catalogDir.resolve(documentName);
      Files.createDirectories(document.getParent());
      Files.move(stagedDocument, document, StandardCopyOption.REPLACE_EXISTING);
      Files.move(stagedEntry, entry, StandardCopyOption.REPLACE_EXISTING);
      return new Result(entry, document, api.operations().size(), notes);
    } catch (CatalogException e) {
      throw new ImportException("the generated entry is not valid: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the catalog entry " + entry, e);
    } finally {
      deleteQuietly(staging);
    }
  }

  private ObjectNode mock(
      OpenAPI document,
      io.swagger.v3.oas.models.responses.ApiResponses responses,
      ExampleGenerator examples) {
    ObjectNode mock = NODES.objectNode();
    if (responses == null || responses.isEmpty()) {
      mock.put("status", 200);
      return mock;
    }
    Map.Entry<String, ApiResponse> chosen =
        responses.entrySet().stream()
            .filter(e -> e.getKey().startsWith("2"))
            .min(Map.Entry.comparingByKey())
            .or(
                () ->
                    responses.entrySet().stream()
                        .filter(e -> e.getKey().equals("default"))
                        .findFirst())
            .orElse(responses.entrySet().iterator().next());
    int status = chosen.getKey().matches("[1-5]\\d\\d") ? Integer.parseInt(chosen.getKey()) : 200;
    mock.put("status", status);
    ApiResponse response = resolve(document, chosen.getValue());
    if (response == null || response.getContent() == null || response.getContent().isEmpty()) {
      return mock;
    }
    Map.Entry<String, MediaType> media =
        response.getContent().entrySet().stream()
            .min(Comparator.comparingInt(e -> jsonRank(e.getKey())))
            .orElseThrow();
    JsonNode example = example(document, media.getValue(), examples);
    boolean isJson = jsonRank(media.getKey()) < 2;
    if (example == null || example.isNull() || (!isJson && !example.isString())) {
      return mock;
    }
    mock.put("contentType", media.getKey());
    if (isJson && example.isString()) {
      // a JSON string body is written as JSON text, since a plain YAML text body is sent as is
      mock.put("body", json.writeValueAsString(example));
    } else {
      mock.set("body", example);
    }
    return mock;
  }

  private static int jsonRank(String mediaType) {
    if (mediaType.equals("application/json")) {
      return 0;
    }
    return mediaType.endsWith("+json") || mediaType.endsWith("/json") ? 1 : 2;
  }

  private JsonNode example(OpenAPI document, MediaType media, ExampleGenerator examples) {
    if (media.getExample() != null) {
      return examples.toJson(media.getExample());
    }
    if (media.getExamples() != null && !media.getExamples().isEmpty()) {
      io.swagger.v3.oas.models.examples.Example first =
          media.getExamples().values().iterator().next();
      if (first.get$ref() != null
          && document.getComponents() != null
          && document.getComponents().getExamples() != null) {
        first =
            document
                .getComponents()
                .getExamples()
                .get(first.get$ref().substring(first.get$ref().lastIndexOf('/') + 1));
      }
      if (first != null && first.getValue() != null) {
        return examples.toJson(first.getValue());
      }
    }
    return media.getSchema() == null ? null : examples.example(media.getSchema());
  }

  private static ApiResponse resolve(OpenAPI document, ApiResponse response) {
    if (response.get$ref() == null) {
      return response;
    }
    if (document.getComponents() == null || document.getComponents().getResponses() == null) {
      return null;
    }
    String ref = response.get$ref();
    return document.getComponents().getResponses().get(ref.substring(ref.lastIndexOf('/') + 1));
  }

  private static void rateLimit(ObjectNode root, String spec) {
    String[] parts = spec.split("/", 2);
    if (parts.length != 2 || !parts[0].matches("\\d+")) {
      throw new ImportException(
          "--rate-limit must be LIMIT/WINDOW, e.g. 20/10s, got '" + spec + "'");
    }
    root.putObject("policies")
        .putObject("rateLimit")
        .put("limit", Long.parseLong(parts[0]))
        .put("window", parts[1])
        .put("key", "client");
  }

  private static Optional<URI> server(OpenAPI document) {
    if (document.getServers() == null) {
      return Optional.empty();
    }
    return document.getServers().stream()
        .map(Server::getUrl)
        .filter(url -> url != null && (url.startsWith("http://") || url.startsWith("https://")))
        .filter(url -> !url.contains("{"))
        .map(URI::create)
        .findFirst();
  }

  static String slug(String title) {
    String slug =
        title == null
            ? ""
            : title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    if (slug.isEmpty()) {
      throw new ImportException("the document has no usable title: pass --name");
    }
    return slug;
  }

  static String majorVersion(String version) {
    if (version == null || !version.matches("\\d+.*")) {
      return "v1";
    }
    return "v" + version.replaceAll("^(\\d+).*", "$1");
  }

  private static String operationId(String id, PathItem.HttpMethod method, String path) {
    if (id != null && OPERATION_ID.matcher(id).matches()) {
      return id;
    }
    StringBuilder generated = new StringBuilder(method.name().toLowerCase(Locale.ROOT));
    for (String segment : path.split("[^A-Za-z0-9]+")) {
      if (!segment.isEmpty()) {
        generated.append(Character.toUpperCase(segment.charAt(0))).append(segment.substring(1));
      }
    }
    return generated.toString();
  }

  private static String firstParagraph(String description) {
    String first = description.strip().split("\\n\\s*\\n", 2)[0];
    return first.replaceAll("\\s+", " ");
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // a temporary folder left behind is harmless; the import itself succeeded or failed already
    }
  }
}
