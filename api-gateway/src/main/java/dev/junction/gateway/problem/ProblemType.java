package dev.junction.gateway.problem;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * Every kind of error the gateway itself produces, with its stable {@code type} URI. Clients branch
 * on the type, so a constant here never changes meaning once released.
 */
public enum ProblemType {
  INVALID_REQUEST("invalid-request", HttpStatus.BAD_REQUEST, "The request is invalid"),
  UNAUTHORIZED("unauthorized", HttpStatus.UNAUTHORIZED, "Authentication required"),
  FORBIDDEN("forbidden", HttpStatus.FORBIDDEN, "Insufficient scope"),
  NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "No API operation at this path"),
  METHOD_NOT_ALLOWED(
      "method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed at this path"),
  API_VERSION_REQUIRED(
      "api-version-required", HttpStatus.BAD_REQUEST, "This API needs an Api-Version header"),
  API_VERSION_UNKNOWN("api-version-unknown", HttpStatus.NOT_FOUND, "No such version of this API"),
  API_REVISION_UNKNOWN(
      "api-revision-unknown", HttpStatus.NOT_FOUND, "No such revision of this API version"),
  PAYLOAD_TOO_LARGE(
      "payload-too-large", HttpStatus.CONTENT_TOO_LARGE, "The request body is too large"),
  UNSUPPORTED_MEDIA_TYPE(
      "unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "The body must be JSON"),
  OVERLOADED("overloaded", HttpStatus.SERVICE_UNAVAILABLE, "The gateway is overloaded"),
  UNAVAILABLE(
      "unavailable", HttpStatus.SERVICE_UNAVAILABLE, "The workflow engine cannot be reached"),
  BAD_GATEWAY("bad-gateway", HttpStatus.BAD_GATEWAY, "An upstream service did not answer"),
  GATEWAY_TIMEOUT(
      "gateway-timeout", HttpStatus.GATEWAY_TIMEOUT, "The workflow did not answer in time"),
  BACKEND_UNREACHABLE(
      "backend-unreachable", HttpStatus.BAD_GATEWAY, "The backend could not be reached"),
  BACKEND_TIMEOUT(
      "backend-timeout", HttpStatus.GATEWAY_TIMEOUT, "The backend did not answer in time"),
  BACKEND_CIRCUIT_OPEN(
      "backend-circuit-open",
      HttpStatus.SERVICE_UNAVAILABLE,
      "The backend is failing; calls are suspended for a while"),
  RATE_LIMITED("rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
  IDEMPOTENCY_KEY_MISSING(
      "idempotency-key-missing",
      HttpStatus.BAD_REQUEST,
      "This operation needs an Idempotency-Key header"),
  IDEMPOTENCY_KEY_REUSED(
      "idempotency-key-reused",
      HttpStatus.UNPROCESSABLE_CONTENT,
      "The Idempotency-Key was used for another request"),
  IDEMPOTENCY_KEY_IN_USE(
      "idempotency-key-in-use",
      HttpStatus.CONFLICT,
      "A request with this Idempotency-Key is still being processed"),
  ADDRESS_DENIED("address-denied", HttpStatus.FORBIDDEN, "Calls from this address are not allowed"),
  CORS_REJECTED("cors-rejected", HttpStatus.FORBIDDEN, "Cross-origin call not allowed"),
  HEADERS_TOO_LARGE(
      "headers-too-large",
      HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
      "The request headers are too large"),
  SUBSCRIPTIONS_UNAVAILABLE(
      "subscriptions-unavailable",
      HttpStatus.SERVICE_UNAVAILABLE,
      "The subscription store did not confirm the change"),
  SUBSCRIPTION_KEY_MISSING(
      "subscription-key-missing", HttpStatus.UNAUTHORIZED, "This API needs a subscription key"),
  SUBSCRIPTION_KEY_INVALID(
      "subscription-key-invalid", HttpStatus.UNAUTHORIZED, "The subscription key is not valid"),
  SUBSCRIPTION_NOT_ALLOWED(
      "subscription-not-allowed",
      HttpStatus.FORBIDDEN,
      "The subscription's product does not include this API"),
  SUBSCRIPTION_INACTIVE(
      "subscription-inactive",
      HttpStatus.FORBIDDEN,
      "The subscription is suspended or awaiting approval"),
  SUBSCRIPTION_NOT_FOUND("subscription-not-found", HttpStatus.NOT_FOUND, "No such subscription"),
  INTERNAL("internal", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

  /** Prefix of every Junction problem type URI. */
  public static final String BASE_URI = "https://junction.dev/problems/";

  private final URI type;
  private final HttpStatus status;
  private final String title;

  ProblemType(String slug, HttpStatus status, String title) {
    this.type = URI.create(BASE_URI + slug);
    this.status = status;
    this.title = title;
  }

  public URI type() {
    return type;
  }

  public HttpStatus status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** A problem of this kind with an occurrence-specific detail. */
  public Problem with(String detail) {
    return new Problem(type, title, status.value(), detail, List.of());
  }
}
