package dev.junction.orchestrator.workflow;

import dev.junction.orchestrator.expression.Template;
import java.util.Map;

/**
 * How a successful run answers the caller.
 *
 * @param status HTTP status
 * @param headers response headers; each value is a template evaluated to text
 * @param body response body template, or {@code null} for no body
 */
public record ResponseMapping(int status, Map<String, Template> headers, Template body) {

  public ResponseMapping {
    headers = Map.copyOf(headers);
  }
}
