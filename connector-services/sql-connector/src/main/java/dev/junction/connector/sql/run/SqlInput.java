package dev.junction.connector.sql.run;

import dev.junction.connector.sql.statement.NamedStatement;
import dev.junction.connector.sql.statement.StatementKind;
import dev.junction.connector.support.invoke.InvalidInputException;
import dev.junction.connector.support.invoke.JsonInput;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the input of the sql-connector's operations into calls of named statements. The input names
 * statements and carries parameter values; there is no field that could carry SQL, and unknown
 * fields are refused.
 *
 * <ul>
 *   <li>{@code query}: {@code {"statement":"find-order","params":{"id":7}}}, a {@code QUERY}
 *       statement
 *   <li>{@code update}: the same shape, an {@code UPDATE} statement
 *   <li>{@code transaction}: {@code {"statements":[{"statement":..,"params":{..}}, ..]}},
 *       statements of either kind, run in order in one transaction
 * </ul>
 */
public final class SqlInput {

  /** Operation names. */
  public static final String QUERY = "query";

  public static final String UPDATE = "update";
  public static final String TRANSACTION = "transaction";

  /** Every operation the connector offers. */
  public static final Set<String> OPERATIONS = Set.of(QUERY, UPDATE, TRANSACTION);

  /** The most statements one transaction may run. */
  public static final int MAX_STATEMENTS = 100;

  private static final Set<String> CALL_FIELDS = Set.of("statement", "params");

  private SqlInput() {}

  /** One statement to run with its parameter values. */
  public record Call(NamedStatement statement, Map<String, Object> params) {}

  /**
   * Reads {@code json} for {@code operation} against the connection's statements.
   *
   * @throws InvalidInputException for anything but a valid call of configured statements
   */
  public static List<Call> parse(
      String operation, String json, Map<String, NamedStatement> statements, JsonMapper mapper)
      throws InvalidInputException {
    // decimals as BigDecimal, never through a double: 0.1 stays 0.1 in a NUMERIC column
    JsonNode root =
        JsonInput.object(
            json, mapper.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS));
    return switch (operation) {
      case QUERY -> List.of(call(root, "input", statements, StatementKind.QUERY));
      case UPDATE -> List.of(call(root, "input", statements, StatementKind.UPDATE));
      case TRANSACTION -> transaction(root, statements);
      default -> throw new InvalidInputException("unknown operation");
    };
  }

  private static List<Call> transaction(JsonNode root, Map<String, NamedStatement> statements)
      throws InvalidInputException {
    refuseUnknownFields(root, Set.of("statements"), "input");
    JsonNode list = root.path("statements");
    if (!list.isArray() || list.isEmpty()) {
      throw new InvalidInputException("input.statements must be a non-empty array");
    }
    if (list.size() > MAX_STATEMENTS) {
      throw new InvalidInputException(
          "input.statements has more than " + MAX_STATEMENTS + " statements");
    }
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode element = list.get(i);
      String where = "input.statements[" + i + "]";
      if (!element.isObject()) {
        throw new InvalidInputException(where + " must be an object");
      }
      calls.add(call(element, where, statements, null));
    }
    return List.copyOf(calls);
  }

  /** One call; {@code kind} is the kind the operation requires, or {@code null} for either. */
  private static Call call(
      JsonNode node, String where, Map<String, NamedStatement> statements, StatementKind kind)
      throws InvalidInputException {
    refuseUnknownFields(node, CALL_FIELDS, where);
    JsonNode nameNode = node.path("statement");
    if (!nameNode.isString()) {
      throw new InvalidInputException(where + ".statement is required and must be a string");
    }
    String name = nameNode.stringValue();
    NamedStatement statement = statements.get(name);
    if (statement == null) {
      throw new InvalidInputException("unknown statement '" + shortened(name) + "'");
    }
    if (kind != null && statement.kind() != kind) {
      throw new InvalidInputException(
          "statement '"
              + name
              + "' is a "
              + statement.kind().name().toLowerCase()
              + " statement; use operation '"
              + statement.kind().name().toLowerCase()
              + "' or 'transaction'");
    }
    JsonNode paramsNode = node.path("params");
    Map<String, Object> params = new HashMap<>();
    if (!paramsNode.isMissingNode() && !paramsNode.isNull()) {
      if (!paramsNode.isObject()) {
        throw new InvalidInputException(where + ".params must be an object");
      }
      for (Map.Entry<String, JsonNode> entry : paramsNode.properties()) {
        if (!statement.parameters().contains(entry.getKey())) {
          throw new InvalidInputException(
              "statement '" + name + "' has no parameter '" + shortened(entry.getKey()) + "'");
        }
        params.put(entry.getKey(), value(entry.getValue(), name, entry.getKey()));
      }
    }
    for (String parameter : statement.parameters()) {
      if (!params.containsKey(parameter)) {
        throw new InvalidInputException(
            "statement '" + name + "' needs parameter '" + parameter + "'");
      }
    }
    return new Call(statement, params);
  }

  /** A JSON scalar as the JDBC value bound for it; numbers keep their exact value. */
  static Object value(JsonNode value, String statement, String parameter)
      throws InvalidInputException {
    if (value.isNull()) {
      return null;
    }
    if (value.isString()) {
      return value.stringValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isIntegralNumber()) {
      BigInteger big = value.bigIntegerValue();
      return big.bitLength() < 64 ? (Object) big.longValue() : new java.math.BigDecimal(big);
    }
    if (value.isNumber()) {
      return value.decimalValue();
    }
    throw new InvalidInputException(
        "statement '"
            + statement
            + "': parameter '"
            + parameter
            + "' must be a string, number, boolean or null");
  }

  private static void refuseUnknownFields(JsonNode node, Set<String> allowed, String where)
      throws InvalidInputException {
    for (String field : node.propertyNames()) {
      if (!allowed.contains(field)) {
        throw new InvalidInputException(
            where
                + " has an unknown field '"
                + shortened(field)
                + "' (allowed: "
                + new TreeSet<>(allowed)
                + ")");
      }
    }
  }

  /** Names come from workflow input: cap them so a reply's error text stays short. */
  private static String shortened(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
