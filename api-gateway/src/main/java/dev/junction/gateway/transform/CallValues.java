package dev.junction.gateway.transform;

import java.util.List;
import java.util.Map;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** The values of one call that templates read ({@link Template.Values}). */
final class CallValues implements Template.Values {

  private static final JsonMapper JSON = JsonMapper.shared();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ServerWebExchange exchange;
  private final String requestBody;
  private final String responseBody;
  private JsonNode requestJson;
  private JsonNode responseJson;

  /**
   * @param exchange the call
   * @param requestBody the request body, when a template reads it, else {@code null}
   * @param responseBody the response body, when a template reads it, else {@code null}
   */
  CallValues(ServerWebExchange exchange, String requestBody, String responseBody) {
    this.exchange = exchange;
    this.requestBody = requestBody;
    this.responseBody = responseBody;
  }

  @Override
  public JsonNode lookup(Template.Root root, List<String> path) {
    return switch (root) {
      case REQUEST -> request(path);
      case RESPONSE -> response(path);
    };
  }

  private JsonNode request(List<String> path) {
    var request = exchange.getRequest();
    return switch (path.getFirst()) {
      case "method" -> text(request.getMethod().name());
      case "path" -> text(request.getPath().value());
      case "pathParams" -> {
        Map<String, String> variables = ServerWebExchangeUtils.getUriTemplateVariables(exchange);
        yield text(variables.get(path.get(1)));
      }
      case "query" -> text(request.getQueryParams().getFirst(path.get(1)));
      case "headers" -> text(request.getHeaders().getFirst(path.get(1)));
      case "body" -> {
        if (requestJson == null) {
          requestJson = parse(requestBody);
        }
        yield member(requestJson, path);
      }
      default -> null;
    };
  }

  private JsonNode response(List<String> path) {
    var response = exchange.getResponse();
    return switch (path.getFirst()) {
      case "status" -> {
        HttpStatusCode status = response.getStatusCode();
        yield status == null ? null : NODES.numberNode(status.value());
      }
      case "headers" -> {
        HttpHeaders headers = response.getHeaders();
        yield text(headers.getFirst(path.get(1)));
      }
      case "body" -> {
        if (responseJson == null) {
          responseJson = parse(responseBody);
        }
        yield member(responseJson, path);
      }
      default -> null;
    };
  }

  /** {@code body} itself, or one of its members by the path after {@code body}. */
  private static JsonNode member(JsonNode body, List<String> path) {
    JsonNode node = body;
    for (String segment : path.subList(1, path.size())) {
      if (node == null) {
        return null;
      }
      node =
          node.isArray() && segment.matches("\\d{1,9}")
              ? node.get(Integer.parseInt(segment))
              : node.get(segment);
    }
    return node;
  }

  /** The body as JSON; a body that is not JSON is its text (only {@code body} itself finds it). */
  private static JsonNode parse(String body) {
    if (body == null || body.isEmpty()) {
      return NODES.missingNode();
    }
    try {
      return JSON.readTree(body);
    } catch (JacksonException e) {
      return NODES.stringNode(body);
    }
  }

  private static JsonNode text(String value) {
    return value == null ? null : NODES.stringNode(value);
  }
}
