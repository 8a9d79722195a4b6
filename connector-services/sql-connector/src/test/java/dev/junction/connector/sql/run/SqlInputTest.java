package dev.junction.connector.sql.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.connector.sql.statement.NamedStatement;
import dev.junction.connector.sql.statement.StatementKind;
import dev.junction.connector.support.invoke.InvalidInputException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class SqlInputTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Map<String, NamedStatement> STATEMENTS =
      Map.of(
          "find-order",
          NamedStatement.parse(
              "find-order", StatementKind.QUERY, "SELECT * FROM orders WHERE id = :id", 10),
          "insert-order",
          NamedStatement.parse(
              "insert-order",
              StatementKind.UPDATE,
              "INSERT INTO orders (id, sku, price) VALUES (:id, :sku, :price)",
              10));

  private static List<SqlInput.Call> parse(String operation, String json)
      throws InvalidInputException {
    return SqlInput.parse(operation, json, STATEMENTS, JSON);
  }

  @Test
  void readsACallWithExactValues() throws Exception {
    List<SqlInput.Call> calls =
        parse(
            "update",
            "{\"statement\":\"insert-order\",\"params\":{\"id\":7,\"sku\":\"A-1\",\"price\":0.1}}");

    assertThat(calls).hasSize(1);
    assertThat(calls.getFirst().statement().name()).isEqualTo("insert-order");
    assertThat(calls.getFirst().params()).containsEntry("id", 7L).containsEntry("sku", "A-1");
    assertThat((BigDecimal) calls.getFirst().params().get("price"))
        .isEqualTo(new BigDecimal("0.1"));
  }

  @Test
  void readsATransactionOfBothKinds() throws Exception {
    List<SqlInput.Call> calls =
        parse(
            "transaction",
            "{\"statements\":[{\"statement\":\"insert-order\",\"params\":{\"id\":1,\"sku\":null,"
                + "\"price\":1}},{\"statement\":\"find-order\",\"params\":{\"id\":1}}]}");

    assertThat(calls)
        .extracting(call -> call.statement().name())
        .containsExactly("insert-order", "find-order");
    assertThat(calls.getFirst().params()).containsEntry("sku", null);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"sql\":\"DROP TABLE orders\"}",
        "{\"statement\":\"find-order\",\"params\":{\"id\":1},\"sql\":\"DROP TABLE orders\"}",
        "{\"statements\":[{\"statement\":\"find-order\",\"params\":{\"id\":1},\"sql\":\"x\"}]}"
      })
  void thereIsNoFieldForSqlText(String input) {
    String operation = input.contains("statements") ? "transaction" : "query";
    assertThatThrownBy(() -> parse(operation, input))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("unknown field 'sql'");
  }

  @Test
  void sqlInPlaceOfAStatementNameIsAnUnknownStatement() {
    assertThatThrownBy(() -> parse("query", "{\"statement\":\"DROP TABLE orders\",\"params\":{}}"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("unknown statement 'DROP TABLE orders'");
  }

  @Test
  void refusesMissingAndUnknownParameters() {
    assertThatThrownBy(() -> parse("query", "{\"statement\":\"find-order\"}"))
        .hasMessage("statement 'find-order' needs parameter 'id'");
    assertThatThrownBy(
            () -> parse("query", "{\"statement\":\"find-order\",\"params\":{\"id\":1,\"x\":2}}"))
        .hasMessage("statement 'find-order' has no parameter 'x'");
  }

  @Test
  void refusesStructuredValues() {
    assertThatThrownBy(
            () -> parse("query", "{\"statement\":\"find-order\",\"params\":{\"id\":[1,2]}}"))
        .hasMessage(
            "statement 'find-order': parameter 'id' must be a string, number, boolean or null");
  }

  @Test
  void theOperationMustMatchTheStatementsKind() {
    assertThatThrownBy(
            () -> parse("update", "{\"statement\":\"find-order\",\"params\":{\"id\":1}}"))
        .hasMessage(
            "statement 'find-order' is a query statement; use operation 'query' or 'transaction'");
  }

  @Test
  void refusesAnEmptyTransactionAndNonJson() {
    assertThatThrownBy(() -> parse("transaction", "{\"statements\":[]}"))
        .hasMessage("input.statements must be a non-empty array");
    assertThatThrownBy(() -> parse("query", "SELECT 1")).hasMessage("input is not valid JSON");
  }
}
