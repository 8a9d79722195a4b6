package dev.junction.connector.sql.run;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Clob;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Base64;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a result set into JSON rows: one object per row, keyed by column label as the database
 * reports it (PostgreSQL folds unquoted names to lower case). Numbers stay numbers (exact
 * decimals), dates and times become ISO-8601 text without a zone conversion, binary data becomes
 * Base64, anything else its text form.
 */
final class JsonRows {

  private JsonRows() {}

  /** Thrown when a query returns more rows than its statement allows. */
  static final class TooManyRowsException extends Exception {
    TooManyRowsException() {
      super("too many rows");
    }
  }

  static ArrayNode read(ResultSet rows, int maxRows, JsonNodeFactory nodes)
      throws SQLException, TooManyRowsException {
    ResultSetMetaData meta = rows.getMetaData();
    int columns = meta.getColumnCount();
    ArrayNode result = nodes.arrayNode();
    while (rows.next()) {
      if (result.size() == maxRows) {
        throw new TooManyRowsException();
      }
      ObjectNode row = result.addObject();
      for (int i = 1; i <= columns; i++) {
        put(row, meta.getColumnLabel(i), rows.getObject(i));
      }
    }
    return result;
  }

  private static void put(ObjectNode row, String name, Object value) throws SQLException {
    switch (value) {
      case null -> row.putNull(name);
      case Boolean b -> row.put(name, b);
      case Integer i -> row.put(name, i);
      case Long l -> row.put(name, l);
      case Short s -> row.put(name, s);
      case Byte b -> row.put(name, b);
      case BigInteger big -> row.put(name, big);
      case BigDecimal decimal -> row.put(name, decimal);
      case Double d when Double.isFinite(d) -> row.put(name, d);
      case Float f when Float.isFinite(f) -> row.put(name, f);
      case Timestamp timestamp -> row.put(name, timestamp.toLocalDateTime().toString());
      case Date date -> row.put(name, date.toLocalDate().toString());
      case Time time -> row.put(name, time.toLocalTime().toString());
      case byte[] bytes -> row.put(name, Base64.getEncoder().encodeToString(bytes));
      case Clob clob -> row.put(name, clob.getSubString(1, (int) clob.length()));
      case Array array -> row.put(name, array.toString());
      default -> row.put(name, value.toString());
    }
  }
}
