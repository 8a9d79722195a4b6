package dev.junction.orchestrator.workflow;

import java.time.ZoneId;
import java.util.Objects;
import org.springframework.scheduling.support.CronExpression;
import tools.jackson.databind.JsonNode;

/** What starts runs of a workflow besides API calls through the gateway. */
public sealed interface Trigger {

  /**
   * Starts a run at each time a cron expression names.
   *
   * @param cron the expression as written (six fields: second minute hour day month weekday)
   * @param expression the parsed expression
   * @param zone the time zone the expression is read in
   * @param body the request body of every run it starts (JSON), or {@code null}
   */
  record Schedule(String cron, CronExpression expression, ZoneId zone, JsonNode body)
      implements Trigger {
    public Schedule {
      Objects.requireNonNull(expression, "expression");
      Objects.requireNonNull(zone, "zone");
    }
  }

  /**
   * Starts a run for each record on a Kafka topic; the record's value (Avro with a registered
   * schema, or JSON) is the run's request body.
   *
   * @param topic the topic
   */
  record KafkaTopic(String topic) implements Trigger {
    public KafkaTopic {
      Objects.requireNonNull(topic, "topic");
    }
  }
}
