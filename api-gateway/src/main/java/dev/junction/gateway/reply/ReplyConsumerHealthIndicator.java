package dev.junction.gateway.reply;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP once the reply consumer is assigned and positioned; part of the readiness group, so a load
 * balancer sends no request whose reply this instance could miss.
 */
public final class ReplyConsumerHealthIndicator implements HealthIndicator {

  private final ReplyListener listener;

  public ReplyConsumerHealthIndicator(ReplyListener listener) {
    this.listener = listener;
  }

  @Override
  public Health health() {
    return switch (listener.state()) {
      case POSITIONED -> Health.up().build();
      case STOPPED -> Health.outOfService().build();
      case FAILED -> Health.down().withDetail("error", String.valueOf(listener.failure())).build();
    };
  }
}
