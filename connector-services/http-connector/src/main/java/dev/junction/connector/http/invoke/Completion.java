package dev.junction.connector.http.invoke;

import dev.junction.connector.http.call.CallResult;
import java.time.Duration;

/**
 * The answer to one {@link Invocation}.
 *
 * @param result how the call ended
 * @param duration time spent calling the backend (zero when no call was made)
 */
public record Completion(CallResult result, Duration duration) {}
