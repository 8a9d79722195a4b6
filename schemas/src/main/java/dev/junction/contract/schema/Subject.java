package dev.junction.contract.schema;

import org.apache.avro.Schema;

/**
 * A registry subject and the schema this checkout defines for it.
 *
 * @param name the subject, e.g. {@code orchestrator.commands-value} or {@code
 *     dev.junction.samples.orders.v1.CreateOrderRequest}
 * @param schema the schema, every named type resolved
 * @param source where it comes from, for messages (a file relative to the Junction home, or the
 *     generated class)
 */
public record Subject(String name, Schema schema, String source) {}
