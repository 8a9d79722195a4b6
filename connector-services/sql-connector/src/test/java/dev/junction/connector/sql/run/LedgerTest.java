package dev.junction.connector.sql.run;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LedgerTest {

  @ParameterizedTest
  @ValueSource(strings = {"junction_sql_ledger", "ops.ledger", "_l1"})
  void acceptsPlainIdentifiers(String table) {
    assertThatCode(() -> new Ledger(table)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ledger; DROP TABLE x", "a.b.c", "1abc", "led ger", "\"quoted\""})
  void refusesAnythingElseSinceTheNameBecomesSql(String table) {
    assertThatThrownBy(() -> new Ledger(table)).isInstanceOf(IllegalArgumentException.class);
  }
}
