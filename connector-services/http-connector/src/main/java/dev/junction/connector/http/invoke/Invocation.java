package dev.junction.connector.http.invoke;

import java.time.Instant;

/**
 * One command to the connector, as read from the wire.
 *
 * @param connection name of the configured connection
 * @param operation operation name ({@code request})
 * @param input the operation's input as JSON text
 * @param idempotencyKey unique per run, step and attempt
 * @param deadline after this instant nobody awaits the result; {@code null} for none
 */
public record Invocation(
    String connection, String operation, String input, String idempotencyKey, Instant deadline) {}
