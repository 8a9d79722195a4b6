package dev.junction.connector.http.call;

import dev.junction.connector.support.invoke.CallResult;
import java.time.Duration;

/**
 * One HTTP attempt: its classified result and how long the backend asked to wait before the next
 * one.
 *
 * @param result how the attempt ended
 * @param retryAfter the response's {@code Retry-After}, or {@code null} when it had none
 */
public record Exchange(CallResult result, Duration retryAfter) {}
