package dev.junction.gateway.catalog;

import dev.junction.gateway.transform.NamedValues;
import dev.junction.gateway.transform.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a {@code policies.transform} mapping, adding what is wrong to the file's problems:
 * templates are parsed and their named values resolved here, so a catalog that refers to a missing
 * value is refused before anything is applied.
 */
final class TransformsReader {

  /** Header names (RFC 9110 tokens). */
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  /** Headers the gateway itself computes from the body and the connection. */
  private static final Set<String> COMPUTED_HEADERS =
      Set.of("content-length", "transfer-encoding", "host", "connection");

  private static final Pattern REWRITE =
      Pattern.compile("(/([A-Za-z0-9._~-]+|\\{[A-Za-z][A-Za-z0-9_]*}))*/?");
  private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");
  private static final JsonMapper JSON = JsonMapper.shared();

  private final List<String> problems;
  private final NamedValues namedValues;

  TransformsReader(List<String> problems, NamedValues namedValues) {
    this.problems = problems;
    this.namedValues = namedValues;
  }

  Transforms read(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return Transforms.NONE;
    }
    if (!node.isObject()) {
      problems.add(where + ": must be a mapping with request and/or response");
      return Transforms.NONE;
    }
    ConfigFields.unknownKeys(node, where + ".", Set.of("request", "response"), problems);
    Transforms.Request request = Transforms.NONE.request();
    JsonNode requestNode = node.get("request");
    if (requestNode != null && !requestNode.isNull()) {
      String at = where + ".request";
      if (section(requestNode, at, Set.of("rewritePath", "setHeaders", "removeHeaders", "body"))) {
        request =
            new Transforms.Request(
                rewritePath(requestNode.get("rewritePath"), at + ".rewritePath"),
                setHeaders(requestNode.get("setHeaders"), at + ".setHeaders", false),
                headerList(requestNode.get("removeHeaders"), at + ".removeHeaders"),
                body(requestNode.get("body"), at + ".body", false));
      }
    }
    Transforms.Response response = Transforms.NONE.response();
    JsonNode responseNode = node.get("response");
    if (responseNode != null && !responseNode.isNull()) {
      String at = where + ".response";
      if (section(responseNode, at, Set.of("setHeaders", "removeHeaders", "body"))) {
        response =
            new Transforms.Response(
                setHeaders(responseNode.get("setHeaders"), at + ".setHeaders", true),
                headerList(responseNode.get("removeHeaders"), at + ".removeHeaders"),
                body(responseNode.get("body"), at + ".body", true));
      }
    }
    return new Transforms(request, response);
  }

  /**
   * Checks the transformations an operation ends up with against the operation: a path rewrite
   * needs a pass-through backend and may only use the operation's path variables.
   */
  void checkOperation(Transforms transforms, Backend backend, String path, String where) {
    Optional<String> rewrite = transforms.request().rewritePath();
    if (rewrite.isEmpty() || backend == null || path == null) {
      return;
    }
    if (!(backend instanceof Backend.Http)) {
      problems.add(where + ": rewritePath is only supported with a url (pass-through) backend");
      return;
    }
    Set<String> available = variables(path);
    for (String variable : variables(rewrite.get())) {
      if (!available.contains(variable)) {
        problems.add(
            where
                + ": rewritePath uses {"
                + variable
                + "}, which the path "
                + path
                + " does not have");
      }
    }
  }

  private boolean section(JsonNode node, String where, Set<String> keys) {
    if (!node.isObject()) {
      problems.add(where + ": must be a mapping of " + String.join(", ", keys));
      return false;
    }
    ConfigFields.unknownKeys(node, where + ".", keys, problems);
    return true;
  }

  private Optional<String> rewritePath(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    String value = node.asString("");
    if (!node.isString() || !value.startsWith("/") || !REWRITE.matcher(value).matches()) {
      problems.add(
          where + ": must be a path like /legacy/pets/{petId}, got '" + node.asString("") + "'");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  private Map<String, Template> setHeaders(JsonNode node, String where, boolean response) {
    Map<String, Template> headers = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return headers;
    }
    if (!node.isObject()) {
      problems.add(where + ": must be a mapping of header names to values");
      return headers;
    }
    for (String name : node.propertyNames()) {
      String at = where + "." + name;
      if (!validHeaderName(name, at)) {
        continue;
      }
      JsonNode value = node.get(name);
      if (!value.isValueNode() || value.isNull()) {
        problems.add(at + ": must be a text value (a template)");
        continue;
      }
      template(value.asString(), at, response)
          .ifPresent(
              t -> {
                if (t.readsBody(Template.Root.REQUEST) || t.readsBody(Template.Root.RESPONSE)) {
                  problems.add(at + ": a header value cannot use a body (only body templates can)");
                } else {
                  headers.put(name, t);
                }
              });
    }
    return headers;
  }

  private List<String> headerList(JsonNode node, String where) {
    List<String> names = new ArrayList<>();
    if (node == null || node.isNull()) {
      return names;
    }
    if (!node.isArray()) {
      problems.add(where + ": must be a list of header names");
      return names;
    }
    for (int i = 0; i < node.size(); i++) {
      String name = node.get(i).asString("");
      if (validHeaderName(name, where + "[" + i + "]")) {
        names.add(name);
      }
    }
    return names;
  }

  private boolean validHeaderName(String name, String where) {
    if (!HEADER_NAME.matcher(name).matches()) {
      problems.add(where + ": '" + name + "' is not a valid header name");
      return false;
    }
    if (COMPUTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      problems.add(where + ": " + name + " is set by the gateway and cannot be changed");
      return false;
    }
    return true;
  }

  private Optional<Transforms.Body> body(JsonNode node, String where, boolean response) {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isObject()) {
      problems.add(where + ": must be a mapping with template and contentType");
      return Optional.empty();
    }
    ConfigFields.unknownKeys(node, where + ".", Set.of("template", "contentType"), problems);
    JsonNode templateNode = node.get("template");
    if (templateNode == null || templateNode.isNull()) {
      problems.add(where + ".template: is required");
      return Optional.empty();
    }
    // a YAML structure is a JSON template; its text values may hold placeholders
    String text =
        templateNode.isString() ? templateNode.asString() : JSON.writeValueAsString(templateNode);
    String contentType =
        node.path("contentType")
            .asString(templateNode.isString() ? "text/plain" : "application/json");
    try {
      MediaType.parseMediaType(contentType);
    } catch (InvalidMediaTypeException e) {
      problems.add(where + ".contentType: is not a media type: '" + contentType + "'");
      return Optional.empty();
    }
    return template(text, where + ".template", response)
        .map(template -> new Transforms.Body(contentType, template));
  }

  private Optional<Template> template(String text, String where, boolean response) {
    try {
      return Optional.of(Template.parse(text, namedValues, response));
    } catch (Template.InvalidTemplate e) {
      problems.add(where + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Set<String> variables(String path) {
    Set<String> names = new java.util.HashSet<>();
    Matcher matcher = VARIABLE.matcher(path);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }
}
