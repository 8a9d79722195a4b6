package dev.junction.orchestrator.run;

import dev.junction.orchestrator.workflow.Trigger;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.WorkflowRequested;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The schedule triggers of the current definitions: which runs are due. Keeps the next firing time
 * of each schedule; a schedule seen for the first time (or after a restart) fires next at its next
 * time after now, so firings missed while no orchestrator ran are skipped, not caught up.
 */
public final class Schedules {

  private final Map<String, Instant> next = new HashMap<>();

  /** The requests of the schedules due at {@code now}, each once. */
  public List<WorkflowRequested> due(Collection<WorkflowDefinition> definitions, Instant now) {
    List<WorkflowRequested> due = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (WorkflowDefinition definition : definitions) {
      List<Trigger> triggers = definition.triggers();
      for (int i = 0; i < triggers.size(); i++) {
        if (!(triggers.get(i) instanceof Trigger.Schedule schedule)) {
          continue;
        }
        String key = definition.name() + "|" + i + "|" + schedule.cron() + "|" + schedule.zone();
        seen.add(key);
        Instant fireAt = next.computeIfAbsent(key, k -> nextAfter(schedule, now));
        if (fireAt != null && !now.isBefore(fireAt)) {
          due.add(
              Triggered.request(
                  definition,
                  "schedule|" + i + "|" + fireAt.toEpochMilli(),
                  "schedule:" + schedule.cron(),
                  schedule.body() == null ? null : schedule.body().toString(),
                  fireAt));
          Instant following = nextAfter(schedule, now);
          if (following == null) {
            next.remove(key);
          } else {
            next.put(key, following);
          }
        }
      }
    }
    next.keySet().retainAll(seen);
    return due;
  }

  private static Instant nextAfter(Trigger.Schedule schedule, Instant instant) {
    ZonedDateTime at = schedule.expression().next(instant.atZone(schedule.zone()));
    return at == null ? null : at.toInstant();
  }
}
