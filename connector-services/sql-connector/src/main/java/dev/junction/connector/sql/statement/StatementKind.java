package dev.junction.connector.sql.statement;

/** What a named statement does, declared in configuration. */
public enum StatementKind {
  /** Returns rows ({@code SELECT}, or DML with {@code RETURNING}); output {@code rows}. */
  QUERY,
  /** Changes data ({@code INSERT}, {@code UPDATE}, {@code DELETE}); output {@code affected}. */
  UPDATE
}
