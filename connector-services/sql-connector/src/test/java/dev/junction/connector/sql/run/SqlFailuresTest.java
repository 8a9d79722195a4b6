package dev.junction.connector.sql.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.connector.support.invoke.CallResult;
import dev.junction.wire.ConnectorOutcome;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlFailuresTest {

  @ParameterizedTest
  @CsvSource({
    "23505, 0, FAILED", // unique violation (PostgreSQL)
    "23000, 1062, FAILED", // duplicate entry (MariaDB)
    "23514, 0, FAILED", // check violation
    "08001, 0, RETRYABLE_ERROR", // cannot connect
    "40001, 0, RETRYABLE_ERROR", // serialization failure / deadlock
    "40P01, 0, RETRYABLE_ERROR", // deadlock (PostgreSQL)
    "57014, 0, RETRYABLE_ERROR", // cancelled by the statement timeout
    "70100, 1969, RETRYABLE_ERROR", // max_statement_time exceeded (MariaDB)
    "57P01, 0, RETRYABLE_ERROR", // admin shutdown
    "55P03, 0, RETRYABLE_ERROR", // lock not available
    "HY000, 1205, RETRYABLE_ERROR", // lock wait timeout (MariaDB)
    "22P02, 0, FATAL_ERROR", // invalid text representation
    "22001, 0, FATAL_ERROR", // value too long
    "42P01, 0, FATAL_ERROR", // undefined table
    "42601, 0, FATAL_ERROR", // syntax error
  })
  void classifiesBySqlState(String state, int code, ConnectorOutcome outcome) {
    CallResult result =
        SqlFailures.classify(
            "connection 'db': statement 's'", new SQLException("Key (id)=(7) exists", state, code));

    assertThat(result.outcome()).isEqualTo(outcome);
    assertThat(result.error()).startsWith("connection 'db': statement 's'").contains(state);
    assertThat(result.error()).doesNotContain("(7)");
  }

  @Test
  void aPoolThatCannotHandOutAConnectionIsRetryable() {
    SQLException pool =
        new SQLTransientConnectionException(
            "pool - Connection is not available", null, new SQLException("refused", "08001"));

    assertThat(SqlFailures.classify("connection 'db'", pool))
        .isEqualTo(
            new CallResult.RetryableError(
                null, "connection 'db': database unavailable (SQLState 08001)"));
  }

  @Test
  void aTimeoutIsRetryable() {
    assertThat(SqlFailures.classify("c", new SQLTimeoutException("t", "70100")).outcome())
        .isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
  }
}
