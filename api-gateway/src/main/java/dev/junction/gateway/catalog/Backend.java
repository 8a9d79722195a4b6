package dev.junction.gateway.catalog;

import java.net.URI;
import java.time.Duration;

/** Where an operation's calls go: a workflow, an HTTP backend, or a canned (mock) response. */
public sealed interface Backend {

  /**
   * A composite operation: the orchestrator runs this workflow.
   *
   * @param name workflow name
   */
  record Workflow(String name) implements Backend {}

  /**
   * A pass-through operation, proxied to an existing HTTP backend.
   *
   * @param url base URL of the backend; the request path below the API's base path is appended
   * @param timeout how long one attempt may take until the backend's response headers arrive
   * @param connectTimeout how long establishing a connection may take
   * @param retry when a failed attempt is repeated
   * @param circuitBreaker when the gateway stops calling a failing backend for a while
   * @param label the URL as the catalog file writes it, named values unexpanded: what messages,
   *     logs and metrics show
   */
  record Http(
      URI url,
      Duration timeout,
      Duration connectTimeout,
      RetryPolicy retry,
      CircuitBreakerPolicy circuitBreaker,
      String label)
      implements Backend {

    /** A backend whose URL holds no named value. */
    public Http(
        URI url,
        Duration timeout,
        Duration connectTimeout,
        RetryPolicy retry,
        CircuitBreakerPolicy circuitBreaker) {
      this(url, timeout, connectTimeout, retry, circuitBreaker, url.toString());
    }
  }

  /**
   * The gateway answers itself, without calling any backend (mock responses, e.g. imported from an
   * OpenAPI document's examples).
   *
   * @param response what it answers
   */
  record Mock(MockResponse response) implements Backend {}
}
