package dev.junction.connector.sql.statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NamedStatementTest {

  @Test
  void placeholdersBecomeJdbcParametersBoundInOrder() {
    NamedStatement statement =
        NamedStatement.parse(
            "take",
            StatementKind.UPDATE,
            "UPDATE stock SET available = available - :qty WHERE sku = :sku AND available >= :qty",
            10);

    assertThat(statement.jdbcSql())
        .isEqualTo("UPDATE stock SET available = available - ? WHERE sku = ? AND available >= ?");
    assertThat(statement.parameters()).containsExactlyInAnyOrder("qty", "sku");
    assertThat(statement.bind(Map.of("qty", 2L, "sku", "A-1"))).containsExactly(2L, "A-1", 2L);
  }

  @Test
  void quotedTextCommentsAndCastsAreNotPlaceholders() {
    NamedStatement statement =
        NamedStatement.parse(
            "find",
            StatementKind.QUERY,
            "SELECT ':not' AS a, created::date AS d -- :neither\nFROM t WHERE id = :id",
            10);

    assertThat(statement.parameters()).containsExactly("id");
    assertThat(statement.jdbcSql()).contains("':not'", "created::date", "id = ?");
  }

  @Test
  void refusesQuestionMarkPlaceholdersMixedWithNamedOnes() {
    assertThatThrownBy(
            () ->
                NamedStatement.parse(
                    "mixed", StatementKind.QUERY, "SELECT * FROM t WHERE a = ? AND b = :b", 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("statement 'mixed'");
  }

  @Test
  void refusesBlankSql() {
    assertThatThrownBy(() -> NamedStatement.parse("empty", StatementKind.QUERY, " ", 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("statement 'empty': sql is required");
  }
}
