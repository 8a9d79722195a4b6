package dev.junction.connector.sql.statement;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.jdbc.core.SqlParameter;
import org.springframework.jdbc.core.namedparam.EmptySqlParameterSource;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;

/**
 * A statement from configuration, the only SQL the connector ever runs. Its {@code :name}
 * placeholders are parsed once, by Spring's {@link NamedParameterUtils} (which skips quoted text,
 * comments and PostgreSQL {@code ::} casts), and bound as JDBC parameters: a command supplies
 * values, never SQL.
 *
 * @param name the name commands use
 * @param kind query or update
 * @param jdbcSql the SQL with {@code ?} placeholders
 * @param parameters the placeholder names, each once, in order of first use
 * @param maxRows a query returning more rows than this fails instead of being cut short
 */
public record NamedStatement(
    String name,
    StatementKind kind,
    String jdbcSql,
    Set<String> parameters,
    int maxRows,
    ParsedSql parsed) {

  public NamedStatement {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind of statement " + name);
    parameters = Set.copyOf(parameters);
  }

  /**
   * Parses a configured statement.
   *
   * @throws IllegalArgumentException when the SQL is blank or mixes {@code ?} and {@code :name}
   */
  public static NamedStatement parse(String name, StatementKind kind, String sql, int maxRows) {
    if (sql == null || sql.isBlank()) {
      throw new IllegalArgumentException("statement '" + name + "': sql is required");
    }
    if (maxRows < 1) {
      throw new IllegalArgumentException("statement '" + name + "': max-rows must be positive");
    }
    ParsedSql parsed = NamedParameterUtils.parseSqlStatement(sql);
    List<SqlParameter> declared =
        NamedParameterUtils.buildSqlParameterList(parsed, new EmptySqlParameterSource());
    Set<String> names = new LinkedHashSet<>();
    declared.forEach(parameter -> names.add(parameter.getName()));
    MapSqlParameterSource nulls = new MapSqlParameterSource();
    names.forEach(parameter -> nulls.addValue(parameter, null));
    try {
      NamedParameterUtils.buildValueArray(parsed, nulls, null);
    } catch (InvalidDataAccessApiUsageException e) {
      throw new IllegalArgumentException(
          "statement '" + name + "': use :name placeholders only, not '?'", e);
    }
    String jdbcSql = NamedParameterUtils.substituteNamedParameters(parsed, nulls);
    return new NamedStatement(name, kind, jdbcSql, names, maxRows, parsed);
  }

  /**
   * The values to bind, in placeholder order (a name used twice is bound twice).
   *
   * @param values one value per parameter, exactly the statement's parameters
   */
  public Object[] bind(Map<String, Object> values) {
    return NamedParameterUtils.buildValueArray(parsed, new MapSqlParameterSource(values), null);
  }
}
