package dev.junction.gateway.web;

import java.util.UUID;
import org.springframework.web.server.ServerWebExchange;

/** The run id of a request: assigned by {@link RunIdWebFilter}, read everywhere else. */
public final class RunIds {

  /** Exchange attribute holding the run id (a UUID string). */
  public static final String ATTRIBUTE = RunIds.class.getName() + ".runId";

  /** Response header carrying the run id on every response. */
  public static final String HEADER = "X-Run-Id";

  private RunIds() {}

  /** The run id of the exchange, assigning one if a caller runs before {@link RunIdWebFilter}. */
  public static String of(ServerWebExchange exchange) {
    return exchange
        .getAttributes()
        .computeIfAbsent(ATTRIBUTE, key -> UUID.randomUUID().toString())
        .toString();
  }
}
