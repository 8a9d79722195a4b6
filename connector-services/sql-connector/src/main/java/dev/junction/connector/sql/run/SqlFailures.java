package dev.junction.connector.sql.run;

import dev.junction.connector.support.invoke.CallResult;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Classifies a database failure by its SQLState (SQL standard / X/Open classes, the same on
 * PostgreSQL and MariaDB) and the JDBC exception type:
 *
 * <ul>
 *   <li>class {@code 23} (integrity constraint violation: unique, foreign key, check, not null):
 *       {@code FAILED}, a business failure; the same values fail again;
 *   <li>class {@code 08} (connection), {@code 40} (serialization failure, deadlock), {@code 53}
 *       (insufficient resources), {@code 57} (operator intervention, query cancelled by the
 *       timeout), {@code 70100} (MariaDB statement timeout), {@code 55P03} / MariaDB 1205 (lock
 *       wait timeout), and JDBC's transient, recoverable and timeout exceptions (HikariCP's "no
 *       connection available"): {@code RETRYABLE_ERROR};
 *   <li>class {@code 22} (data exception: a value that does not fit its column) and everything
 *       else, such as class {@code 42} (syntax error, unknown table, missing privilege: the
 *       statement's configuration is wrong): {@code FATAL_ERROR}.
 * </ul>
 *
 * <p>Error texts name the connection, the statement and the SQLState, never the driver's message:
 * it may quote parameter values.
 */
public final class SqlFailures {

  private static final Set<String> RETRYABLE_CLASSES = Set.of("08", "40", "53", "57");

  /** PostgreSQL query_canceled: the statement timeout cancelled it. */
  private static final String QUERY_CANCELED = "57014";

  /** MariaDB ER_STATEMENT_TIMEOUT (max_statement_time exceeded, how it applies query timeouts). */
  private static final String STATEMENT_TIMEOUT = "70100";

  /** PostgreSQL lock_not_available (e.g. {@code lock_timeout}). */
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  /** MariaDB ER_LOCK_WAIT_TIMEOUT, reported with the generic SQLState HY000. */
  private static final int MARIADB_LOCK_WAIT_TIMEOUT = 1205;

  private SqlFailures() {}

  /**
   * The result of a statement or transaction that failed.
   *
   * @param prefix names the connection and the statement, e.g. {@code connection 'orders':
   *     statement 'insert-order'}
   */
  public static CallResult classify(String prefix, SQLException failure) {
    String state = sqlState(failure);
    String code = state == null ? "no SQLState" : "SQLState " + state;
    String stateClass = state == null || state.length() < 2 ? "" : state.substring(0, 2);
    if (stateClass.equals("23")) {
      return new CallResult.Failed(null, prefix + " violated a constraint (" + code + ")");
    }
    if (hasCause(failure, SQLTimeoutException.class)
        || QUERY_CANCELED.equals(state)
        || STATEMENT_TIMEOUT.equals(state)) {
      return new CallResult.RetryableError(null, prefix + " timed out (" + code + ")");
    }
    if (stateClass.equals("08")
        || hasCause(failure, SQLTransientException.class)
        || hasCause(failure, SQLRecoverableException.class)) {
      return new CallResult.RetryableError(null, prefix + ": database unavailable (" + code + ")");
    }
    if (RETRYABLE_CLASSES.contains(stateClass)
        || LOCK_NOT_AVAILABLE.equals(state)
        || errorCode(failure) == MARIADB_LOCK_WAIT_TIMEOUT) {
      return new CallResult.RetryableError(
          null, prefix + " failed transiently (" + code + "), may succeed on retry");
    }
    if (stateClass.equals("22")) {
      return new CallResult.FatalError(prefix + ": a parameter value was refused (" + code + ")");
    }
    return new CallResult.FatalError(prefix + " was refused by the database (" + code + ")");
  }

  /** The first SQLState in the chain: pools and drivers wrap the server's exception. */
  static String sqlState(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }

  private static int errorCode(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getErrorCode() != 0) {
        return sql.getErrorCode();
      }
    }
    return 0;
  }

  private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }
}
