package dev.junction.orchestrator.expression;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles CEL expressions over the workflow variables {@code request}, {@code steps} and {@code
 * run}.
 *
 * <p>The environment is CEL's standard library only: no custom functions, so an expression cannot
 * reach I/O, reflection or the clock, and definitions written by anyone are safe to run.
 * Comprehensions ({@code map}, {@code filter}, {@code all}, ...) are bounded by an iteration
 * budget, which caps the cost of one evaluation. Thread-safe: compiled programs are immutable.
 */
public final class ExpressionCompiler {

  /** Variable holding the HTTP request that started the run. */
  public static final String REQUEST = "request";

  /** Variable holding the outputs of the steps that have completed. */
  public static final String STEPS = "steps";

  /** Variable holding the run's id, workflow name and version. */
  public static final String RUN = "run";

  /** Variable holding the current item of a forEach step (in its input and compensation). */
  public static final String ITEM = "item";

  /** Variable holding the position (from 0) of the current item of a forEach step. */
  public static final String INDEX = "index";

  private final CelCompiler compiler;
  private final CelRuntime runtime;

  /**
   * @param maxIterations budget of comprehension iterations per evaluation (across all nested
   *     comprehensions); an expression exceeding it fails instead of running long
   */
  public ExpressionCompiler(int maxIterations) {
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be positive, was " + maxIterations);
    }
    CelOptions options =
        CelOptions.current()
            .comprehensionMaxIterations(maxIterations)
            // keeps CEL from surfacing protobuf types, so results map 1:1 to JSON
            .evaluateCanonicalTypesToNativeValues(true)
            .build();
    MapType object = MapType.create(SimpleType.STRING, SimpleType.DYN);
    this.compiler =
        CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(options)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar(REQUEST, object)
            .addVar(STEPS, object)
            .addVar(RUN, object)
            .addVar(ITEM, SimpleType.DYN)
            .addVar(INDEX, SimpleType.INT)
            .setResultType(SimpleType.DYN)
            .build();
    this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(options).build();
  }

  /**
   * Parses and type-checks an expression.
   *
   * @throws ExpressionSyntaxException when the expression does not compile, with CEL's message
   *     pointing at the offending column
   */
  public Expression compile(String source) {
    CelAbstractSyntaxTree ast;
    try {
      ast = compiler.compile(source).getAst();
    } catch (CelValidationException e) {
      throw new ExpressionSyntaxException(source, e.getMessage(), e);
    }
    CelRuntime.Program program;
    try {
      program = runtime.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw new ExpressionSyntaxException(source, e.getMessage(), e);
    }
    return new Expression(source, program, referencedSteps(ast));
  }

  /**
   * The step ids an expression reads as {@code steps.<id>}. Index syntax ({@code steps['id']}) is
   * not detected; it still fails cleanly at run time if the step has not completed.
   */
  private static Set<String> referencedSteps(CelAbstractSyntaxTree ast) {
    return CelNavigableAst.fromAst(ast)
        .getRoot()
        .allNodes()
        .map(node -> node.expr())
        .filter(expr -> expr.getKind() == CelExpr.ExprKind.Kind.SELECT)
        .map(CelExpr::select)
        .filter(
            select ->
                select.operand().getKind() == CelExpr.ExprKind.Kind.IDENT
                    && select.operand().ident().name().equals(STEPS))
        .map(CelExpr.CelSelect::field)
        .collect(Collectors.toUnmodifiableSet());
  }
}
