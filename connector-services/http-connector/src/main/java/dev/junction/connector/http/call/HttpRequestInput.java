package dev.junction.connector.http.call;

import dev.junction.connector.support.invoke.InvalidInputException;
import dev.junction.connector.support.invoke.JsonInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The input of operation {@code request}: {@code {"method","path","query","headers","body"}}.
 *
 * @param method upper-case HTTP method
 * @param path path under the connection's base URL, starting with {@code /} (may be empty)
 * @param query query parameters; a JSON array value gives the parameter once per element
 * @param headers request headers
 * @param body the request body, or {@code null} for none
 */
public record HttpRequestInput(
    String method,
    String path,
    Map<String, List<String>> query,
    Map<String, String> headers,
    JsonNode body) {

  /** Methods a step may use; TRACE and CONNECT have no place in a backend call. */
  static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  /** RFC 9110 token: what a header name may consist of. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  public HttpRequestInput {
    query = Map.copyOf(query);
    headers = Map.copyOf(headers);
  }

  /** Reads the input JSON of a command; every problem is reported without quoting values. */
  public static HttpRequestInput parse(String json, JsonMapper mapper)
      throws InvalidInputException {
    JsonNode root = JsonInput.object(json, mapper.reader());
    for (String field : root.propertyNames()) {
      if (!Set.of("method", "path", "query", "headers", "body").contains(field)) {
        throw new InvalidInputException("input has an unknown field '" + shortened(field) + "'");
      }
    }
    JsonNode methodNode = root.path("method");
    if (!methodNode.isString()) {
      throw new InvalidInputException("input.method is required and must be a string");
    }
    String method = methodNode.stringValue().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new InvalidInputException("input.method must be one of " + METHODS);
    }
    JsonNode pathNode = root.path("path");
    String path;
    if (pathNode.isMissingNode() || pathNode.isNull()) {
      path = "";
    } else if (pathNode.isString()) {
      path = pathNode.stringValue();
    } else {
      throw new InvalidInputException("input.path must be a string");
    }
    JsonNode bodyNode = root.path("body");
    JsonNode body = bodyNode.isMissingNode() || bodyNode.isNull() ? null : bodyNode;
    return new HttpRequestInput(
        method, path, query(root.path("query")), headers(root.path("headers")), body);
  }

  private static Map<String, List<String>> query(JsonNode node) throws InvalidInputException {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return query;
    }
    if (!node.isObject()) {
      throw new InvalidInputException("input.query must be an object");
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      List<String> values = new ArrayList<>();
      JsonNode value = entry.getValue();
      if (value.isArray()) {
        for (JsonNode element : value) {
          values.add(scalar(element, "input.query." + shortened(entry.getKey())));
        }
      } else if (!value.isNull()) {
        values.add(scalar(value, "input.query." + shortened(entry.getKey())));
      }
      query.put(entry.getKey(), values);
    }
    return query;
  }

  private static Map<String, String> headers(JsonNode node) throws InvalidInputException {
    Map<String, String> headers = new LinkedHashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return headers;
    }
    if (!node.isObject()) {
      throw new InvalidInputException("input.headers must be an object");
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String name = entry.getKey();
      if (!TOKEN.matcher(name).matches()) {
        throw new InvalidInputException("input.headers has an invalid header name");
      }
      String where = "input.headers." + shortened(name);
      String value = scalar(entry.getValue(), where);
      // CR/LF would let a value smuggle further headers into the request.
      if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw new InvalidInputException(where + " contains a line break");
      }
      headers.put(name, value);
    }
    return headers;
  }

  private static String scalar(JsonNode value, String where) throws InvalidInputException {
    if (value.isString()) {
      return value.stringValue();
    }
    if (value.isNumber() || value.isBoolean()) {
      return value.asString();
    }
    throw new InvalidInputException(where + " must be a string, number or boolean");
  }

  /** Field names come from workflow input: cap them so a reply's error text stays short. */
  private static String shortened(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
