package dev.junction.gateway.catalog;

import dev.junction.gateway.transform.Template;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The transformations of one operation's calls ({@code policies.transform}), the API's and the
 * operation's own merged ({@link #merge}).
 *
 * @param request what is changed in the request before it reaches the backend
 * @param response what is changed in the response before it reaches the client
 */
public record Transforms(Request request, Response response) {

  public static final Transforms NONE =
      new Transforms(
          new Request(Optional.empty(), Map.of(), List.of(), Optional.empty()),
          new Response(Map.of(), List.of(), Optional.empty()));

  /**
   * @param rewritePath the backend path (below the backend URL) with the operation's {@code
   *     {vars}}, instead of the path below the base path; pass-through operations only
   * @param setHeaders headers set (replacing any the client sent), values are templates
   * @param removeHeaders headers removed (before those above are set)
   * @param body the body sent instead of the client's
   */
  public record Request(
      Optional<String> rewritePath,
      Map<String, Template> setHeaders,
      List<String> removeHeaders,
      Optional<Body> body) {
    public Request {
      setHeaders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(setHeaders));
      removeHeaders = List.copyOf(removeHeaders);
    }

    public boolean isEmpty() {
      return rewritePath.isEmpty()
          && setHeaders.isEmpty()
          && removeHeaders.isEmpty()
          && body.isEmpty();
    }
  }

  /**
   * @param setHeaders headers set on every answer of the operation, values are templates
   * @param removeHeaders headers removed from every answer
   * @param body the body answered instead of a successful (2xx) one
   */
  public record Response(
      Map<String, Template> setHeaders, List<String> removeHeaders, Optional<Body> body) {
    public Response {
      setHeaders = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(setHeaders));
      removeHeaders = List.copyOf(removeHeaders);
    }

    public boolean isEmpty() {
      return setHeaders.isEmpty() && removeHeaders.isEmpty() && body.isEmpty();
    }
  }

  /**
   * A body made from a template.
   *
   * @param contentType its media type
   * @param template the template; values are JSON-escaped when the media type is JSON
   */
  public record Body(String contentType, Template template) {}

  /** Whether nothing is transformed. */
  public boolean isEmpty() {
    return request.isEmpty() && response.isEmpty();
  }

  /**
   * An operation's own transformations on top of the API's: headers set by both are the
   * operation's; removed headers add up; a path rewrite or a body of the operation replaces the
   * API's.
   */
  public static Transforms merge(Transforms api, Transforms operation) {
    return new Transforms(
        new Request(
            operation.request.rewritePath.or(() -> api.request.rewritePath),
            merged(api.request.setHeaders, operation.request.setHeaders),
            union(api.request.removeHeaders, operation.request.removeHeaders),
            operation.request.body.or(() -> api.request.body)),
        new Response(
            merged(api.response.setHeaders, operation.response.setHeaders),
            union(api.response.removeHeaders, operation.response.removeHeaders),
            operation.response.body.or(() -> api.response.body)));
  }

  private static Map<String, Template> merged(
      Map<String, Template> base, Map<String, Template> own) {
    Map<String, Template> result = new LinkedHashMap<>();
    base.forEach(
        (name, value) -> {
          if (own.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
            result.put(name, value);
          }
        });
    result.putAll(own);
    return result;
  }

  private static List<String> union(List<String> base, List<String> own) {
    LinkedHashSet<String> result = new LinkedHashSet<>(base);
    result.addAll(own);
    return new ArrayList<>(result);
  }
}
