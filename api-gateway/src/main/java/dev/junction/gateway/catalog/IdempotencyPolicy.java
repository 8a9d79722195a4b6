package dev.junction.gateway.catalog;

import java.time.Duration;

/**
 * {@code Idempotency-Key} handling of unsafe calls (POST, PUT, PATCH, DELETE).
 *
 * @param ttl how long the first response is kept and replayed for a repeat
 * @param maxWait how long a repeat waits for the first call still in progress before 409
 * @param required whether a call without the header is refused (400)
 */
public record IdempotencyPolicy(Duration ttl, Duration maxWait, boolean required) {}
