package dev.junction.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.orchestrator.TestWorkflows;
import dev.junction.orchestrator.workflow.WorkflowDefinition;
import dev.junction.wire.WorkflowRequested;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedulesTest {

  private final WorkflowDefinition nightly =
      TestWorkflows.loader()
          .parse(
              "nightly.yaml",
              """
              name: nightly
              version: "1"
              triggers:
                - schedule: {cron: "0 30 2 * * *", zone: Europe/Oslo, body: {mode: full}}
              steps:
                - id: wait
                  delay: 1s
              response: {status: 204}
              """);

  @Test
  void firesOnceAtEachTimeInItsZoneAndNotForTimesBeforeItWasSeen() {
    Schedules schedules = new Schedules();
    // 01:00 UTC is 02:00 in Oslo in winter: the next firing is 02:30 Oslo = 01:30 UTC
    assertThat(schedules.due(List.of(nightly), Instant.parse("2026-11-26T01:00:00Z"))).isEmpty();
    assertThat(schedules.due(List.of(nightly), Instant.parse("2026-11-26T01:29:59Z"))).isEmpty();

    List<WorkflowRequested> due =
        schedules.due(List.of(nightly), Instant.parse("2026-11-26T01:30:00.050Z"));

    assertThat(due)
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.getWorkflow()).isEqualTo("nightly");
              assertThat(request.getTrigger()).isEqualTo("schedule:0 30 2 * * *");
              assertThat(request.getBody()).isEqualTo("{\"mode\":\"full\"}");
              assertThat(request.getRequestedAt()).isEqualTo(Instant.parse("2026-11-26T01:30:00Z"));
              assertThat(request.getReplyTopic()).isEmpty();
            });
    assertThat(schedules.due(List.of(nightly), Instant.parse("2026-11-26T01:30:00.150Z")))
        .isEmpty();
    // another instance (or a restart) firing the same time makes the same run id: one run
    Schedules other = new Schedules();
    other.due(List.of(nightly), Instant.parse("2026-11-26T01:29:00Z"));
    assertThat(
            other
                .due(List.of(nightly), Instant.parse("2026-11-26T01:30:01Z"))
                .getFirst()
                .getRunId())
        .isEqualTo(due.getFirst().getRunId());
  }
}
