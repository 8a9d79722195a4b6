package dev.junction.orchestrator.expression;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Map;
import java.util.Set;

/**
 * A compiled CEL expression, evaluated many times.
 *
 * @param source the expression text, for error messages
 * @param referencedSteps step ids read as {@code steps.<id>}, for static validation
 */
public record Expression(String source, CelRuntime.Program program, Set<String> referencedSteps) {

  /**
   * Evaluates the expression over CEL values (see {@link CelJson#toCel}).
   *
   * @throws ExpressionEvaluationException when evaluation fails (missing field, type error,
   *     iteration budget exceeded)
   */
  public Object evaluate(Map<String, ?> variables) {
    try {
      return program.eval(variables);
    } catch (CelEvaluationException e) {
      throw new ExpressionEvaluationException(source, e.getMessage(), e);
    }
  }
}
