package dev.junction.gateway.catalog;

import dev.junction.contract.schema.CompatibilityMode;
import dev.junction.contract.schema.SchemaIncompatibility;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * Guards a running gateway against a schema edit that would break the clients it serves: a new
 * request schema must read the bodies clients built for the schema being served (BACKWARD), and a
 * new response schema must produce bodies those clients can still read (FORWARD). Checked with
 * Avro's own compatibility rules, so an edit the build would refuse is also refused at reload.
 */
public final class SchemaEvolution {

  private SchemaEvolution() {}

  /**
   * Every breaking schema change from {@code served} to {@code next}, as {@code <path>: <reason>};
   * operations that are new or gone are not compared.
   */
  public static List<String> breakingChanges(ApiDefinition served, ApiDefinition next) {
    Map<String, Operation> before =
        served.operations().stream().collect(Collectors.toMap(Operation::id, Function.identity()));
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < next.operations().size(); i++) {
      Operation operation = next.operations().get(i);
      Operation previous = before.get(operation.id());
      if (previous == null) {
        continue;
      }
      String at = "operations[" + i + "]";
      compare(
          previous.requestSchema(),
          operation.requestSchema(),
          CompatibilityMode.BACKWARD,
          at + ".request.schema",
          problems);
      compare(
          previous.responseSchema(),
          operation.responseSchema(),
          CompatibilityMode.FORWARD,
          at + ".response.schema",
          problems);
    }
    return problems;
  }

  private static void compare(
      Optional<Schema> served,
      Optional<Schema> next,
      CompatibilityMode mode,
      String at,
      List<String> problems) {
    if (served.isEmpty() || next.isEmpty() || served.equals(next)) {
      return;
    }
    for (SchemaIncompatibility problem : mode.check(next.get(), List.of(served.get()))) {
      problems.add(at + ": " + problem.describe("the schema being served"));
    }
  }
}
