package dev.junction.contract.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A client of the registry's Confluent-compatible API ({@code /apis/ccompat/v7}), so the same
 * commands work against Apicurio, Confluent Schema Registry or Karapace. Only what registration
 * needs: subjects, versions, compatibility configuration.
 */
public final class RegistryClient {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String CCOMPAT_PATH = "/apis/ccompat/v7";
  private static final String AVRO = "AVRO";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final ClientCredentials credentials;
  private final HttpClient http;

  /**
   * @param url the registry: its root ({@code http://host:8180}), its v3 API URL (what services are
   *     configured with) or its ccompat URL
   * @param credentials where bearer tokens come from, or {@code null} for an open registry
   */
  public RegistryClient(String url, ClientCredentials credentials, HttpClient http) {
    this.baseUrl = ccompatUrl(url);
    this.credentials = credentials;
    this.http = http;
  }

  /** The ccompat v7 URL of a registry given by its root, v3 or ccompat URL. */
  public static String ccompatUrl(String url) {
    String trimmed = url.replaceAll("/+$", "");
    int apis = trimmed.indexOf("/apis/");
    return (apis < 0 ? trimmed : trimmed.substring(0, apis)) + CCOMPAT_PATH;
  }

  /** The ccompat v7 URL this client talks to. */
  public String url() {
    return baseUrl;
  }

  /** The version under which {@code schema} is registered in {@code subject}, if it is. */
  public Optional<Integer> versionOf(String subject, Schema schema) {
    HttpResponse<String> response = send(post("/subjects/" + encode(subject), body(schema)));
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    return Optional.of(
        json(expectOk(response, "look up a schema in " + subject)).get("version").asInt());
  }

  /** Every version of a subject, oldest first; empty when the subject does not exist. */
  public List<Schema> versions(String subject) {
    return registeredVersions(subject).stream()
        .map(version -> new Schema.Parser().parse(version.schema()))
        .toList();
  }

  /**
   * Every subject of the registry (in Apicurio: the artifacts of group {@code default}), sorted.
   */
  public List<String> subjects() {
    List<String> subjects = new ArrayList<>();
    for (JsonNode subject : json(expectOk(send(get("/subjects")), "list the subjects"))) {
      subjects.add(subject.asText());
    }
    return subjects.stream().sorted().toList();
  }

  /**
   * Every version of a subject as the registry holds it, oldest first; empty when the subject does
   * not exist.
   */
  public List<RegisteredVersion> registeredVersions(String subject) {
    HttpResponse<String> response = send(get("/subjects/" + encode(subject) + "/versions"));
    if (response.statusCode() == 404) {
      return List.of();
    }
    List<RegisteredVersion> versions = new ArrayList<>();
    for (JsonNode version : json(expectOk(response, "list the versions of " + subject))) {
      HttpResponse<String> one =
          send(get("/subjects/" + encode(subject) + "/versions/" + version.asInt()));
      JsonNode body = json(expectOk(one, "read " + subject + " version " + version));
      versions.add(
          new RegisteredVersion(
              version.asInt(),
              body.has("schemaType") ? body.get("schemaType").asText() : AVRO,
              body.get("schema").asText()));
    }
    return List.copyOf(versions);
  }

  /**
   * One version of a subject.
   *
   * @param version its number in the subject, from 1
   * @param schemaType {@code AVRO} (what the registry assumes when it says nothing), {@code JSON}
   *     or {@code PROTOBUF}
   * @param schema the schema's text
   */
  public record RegisteredVersion(int version, String schemaType, String schema) {

    /** Whether the version is an Avro schema. */
    public boolean avro() {
      return AVRO.equals(schemaType);
    }
  }

  /** The compatibility mode set on the subject itself, if any. */
  public Optional<CompatibilityMode> compatibility(String subject) {
    HttpResponse<String> response = send(get("/config/" + encode(subject)));
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    JsonNode config = json(expectOk(response, "read the compatibility of " + subject));
    JsonNode level =
        config.has("compatibilityLevel")
            ? config.get("compatibilityLevel")
            : config.get("compatibility");
    return level == null ? Optional.empty() : Optional.of(CompatibilityMode.parse(level.asText()));
  }

  /** Sets the subject's compatibility mode; the registry enforces it on every later version. */
  public void setCompatibility(String subject, CompatibilityMode mode) {
    ObjectNode body = JSON.createObjectNode().put("compatibility", mode.name());
    expectOk(
        send(
            request("/config/" + encode(subject))
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build()),
        "set the compatibility of " + subject);
  }

  /**
   * Registers {@code schema} in {@code subject}; the registry answers the existing id when the
   * schema is already there.
   *
   * @return the schema's global id (the one in Confluent's wire format)
   * @throws IncompatibleSchemaException when the registry refuses it under the subject's mode
   */
  public int register(String subject, Schema schema) {
    HttpResponse<String> response =
        send(post("/subjects/" + encode(subject) + "/versions", body(schema)));
    if (response.statusCode() == 409) {
      throw new IncompatibleSchemaException(subject, message(response));
    }
    return json(expectOk(response, "register a schema in " + subject)).get("id").asInt();
  }

  /** The schema with a global id, as {@code GET /schemas/ids/{id}} serves it. */
  public Schema schemaById(int id) {
    HttpResponse<String> response = send(get("/schemas/ids/" + id));
    return new Schema.Parser()
        .parse(json(expectOk(response, "read schema id " + id)).get("schema").asText());
  }

  private static String body(Schema schema) {
    return JSON.createObjectNode()
        .put("schema", schema.toString())
        .put("schemaType", "AVRO")
        .toString();
  }

  private HttpRequest get(String path) {
    return request(path).GET().build();
  }

  private HttpRequest post(String path, String body) {
    return request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(15))
            .header("Accept", CONTENT_TYPE)
            .header("Content-Type", CONTENT_TYPE);
    if (credentials != null) {
      builder.header("Authorization", "Bearer " + credentials.token());
    }
    return builder;
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      String reason =
          e.getMessage() == null
              ? e.getClass().getSimpleName()
              : e.getClass().getSimpleName() + ": " + e.getMessage();
      throw new RegistryException(
          "cannot reach the schema registry at " + baseUrl + " (" + reason + "); is it running?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while calling the schema registry", e);
    }
  }

  private HttpResponse<String> expectOk(HttpResponse<String> response, String what) {
    if (response.statusCode() / 100 != 2) {
      String hint =
          response.statusCode() == 401 || response.statusCode() == 403
              ? " (the registry requires a token: set the OAuth2 client credentials)"
              : "";
      throw new RegistryException(
          "the schema registry at %s refused to %s: HTTP %d %s%s"
              .formatted(baseUrl, what, response.statusCode(), message(response), hint));
    }
    return response;
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new RegistryException("the schema registry answered no JSON: " + response.body(), e);
    }
  }

  private static String message(HttpResponse<String> response) {
    try {
      JsonNode body = JSON.readTree(response.body());
      return body.has("message") ? body.get("message").asText() : response.body();
    } catch (IOException e) {
      return response.body();
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
