package dev.junction.gateway.catalog;

import org.springframework.util.unit.DataSize;

/**
 * Size limits of a request.
 *
 * @param maxBodySize largest body (413 beyond), or null for the gateway's default
 * @param maxHeaderSize largest total of header names and values (431 beyond), or null for none
 */
public record RequestLimits(DataSize maxBodySize, DataSize maxHeaderSize) {}
