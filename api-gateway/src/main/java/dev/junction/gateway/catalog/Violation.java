package dev.junction.gateway.catalog;

/**
 * One reason a request body is invalid.
 *
 * @param pointer RFC 6901 JSON Pointer to the offending value ({@code ""} for the whole body)
 * @param reason what is wrong, in words a client developer understands
 */
public record Violation(String pointer, String reason) {}
