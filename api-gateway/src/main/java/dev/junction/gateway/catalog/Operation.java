package dev.junction.gateway.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.springframework.http.HttpMethod;

/**
 * One operation of an API version, validated.
 *
 * @param api catalog name of the API
 * @param apiVersion version of the API
 * @param id operation id, unique within the API version
 * @param method HTTP method
 * @param path full path template: the API's base path followed by the operation's path, may hold
 *     {@code {vars}}
 * @param summary one-line description
 * @param scopes OAuth2 scopes a caller must all hold
 * @param requestSchema Avro record schema the JSON body is validated against, if the operation
 *     declares one
 * @param responseSchema Avro record schema the JSON body of a successful (2xx) reply is rendered
 *     through, if the operation declares one
 * @param unknownFields what happens to body members the request schema does not declare (the API's
 *     {@code unknownFields} setting)
 * @param backend where calls go: a workflow, an HTTP backend or a mock response
 * @param timeout how long the gateway waits for the workflow's reply
 * @param onTimeout what the gateway answers when the reply does not come in time
 * @param policies the policies a call goes through, the API's and the operation's own
 */
public record Operation(
    String api,
    String apiVersion,
    String id,
    HttpMethod method,
    String path,
    String summary,
    List<String> scopes,
    Optional<Schema> requestSchema,
    Optional<Schema> responseSchema,
    UnknownFields unknownFields,
    Backend backend,
    Duration timeout,
    OnTimeout onTimeout,
    Policies policies) {

  public Operation {
    scopes = List.copyOf(scopes);
  }

  /** The rate limits a call must pass, API-wide ones first. */
  public List<RateLimitPolicy> rateLimits() {
    return policies.rateLimits();
  }

  /** The workflow of a composite operation; {@code null} for other backends. */
  public String workflow() {
    return backend instanceof Backend.Workflow workflow ? workflow.name() : null;
  }
}
