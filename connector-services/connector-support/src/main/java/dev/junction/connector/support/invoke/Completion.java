package dev.junction.connector.support.invoke;

import java.time.Duration;

/**
 * The answer to one {@link Invocation}.
 *
 * @param result how the call ended
 * @param duration time spent calling the backend (zero when no call was made)
 */
public record Completion(CallResult result, Duration duration) {}
