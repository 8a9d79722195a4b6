package dev.junction.orchestrator;

import dev.junction.contract.Topics;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the orchestrator ({@code junction.orchestrator.*}).
 *
 * @param workflowsDir folder of workflow definitions ({@code *.yaml}), watched for changes
 * @param reloadInterval how often the folder is scanned for new, changed and removed files
 * @param applicationId Kafka Streams application id: consumer group and prefix of internal topics
 *     (the run store's changelog is {@code <application-id>-runs-changelog})
 * @param stateDir Kafka Streams state directory (RocksDB); unset means Kafka Streams' default. The
 *     changelog is the durable copy, so losing this folder costs a restore, not runs
 * @param instanceId a name unique to this instance that stays the same across its restarts (e.g.
 *     {@code orchestrator-0}); when set, the instance uses Kafka's static group membership, so a
 *     restarted instance takes its partitions back at once instead of after a rebalance
 * @param sessionTimeout how long the group waits for a silent instance before moving its partitions
 *     to the others
 * @param advertisedHost the host name or address other instances reach this one's runs API at, with
 *     {@code server.port}; lets any instance answer for runs another one owns
 * @param streamThreads Kafka Streams threads of this instance
 * @param maxExpressionIterations budget of comprehension iterations of one expression evaluation
 * @param commandsTopic topic of {@code WorkflowRequested} commands
 * @param repliesTopic topic connectors reply to ({@code ConnectorReply}); co-partitioned with the
 *     commands topic
 * @param controlTopic topic of {@code RunControl} commands (cancel); co-partitioned with the
 *     commands topic
 * @param eventsTopic topic of {@code RunStatusChanged} events
 * @param definitionsTopic compacted topic keeping every loaded workflow definition version
 * @param timerInterval how often due timers (retry backoff, delays, timeouts, deadlines) are looked
 *     for; the precision of every timer
 * @param retention how long an ended run stays in the history ({@code /runs}) before it is removed
 */
@ConfigurationProperties("junction.orchestrator")
@Validated
public record OrchestratorProperties(
    @DefaultValue("workflows") @NotNull Path workflowsDir,
    @DefaultValue("2s") @NotNull Duration reloadInterval,
    @DefaultValue("junction-orchestrator") @NotBlank String applicationId,
    Path stateDir,
    String instanceId,
    @DefaultValue("10s") @NotNull Duration sessionTimeout,
    @DefaultValue("127.0.0.1") @NotBlank String advertisedHost,
    @DefaultValue("1") @Min(1) int streamThreads,
    @DefaultValue("10000") @Min(1) int maxExpressionIterations,
    @DefaultValue(Topics.ORCHESTRATOR_COMMANDS) @NotBlank String commandsTopic,
    @DefaultValue(Topics.ORCHESTRATOR_REPLIES) @NotBlank String repliesTopic,
    @DefaultValue(Topics.ORCHESTRATOR_CONTROL) @NotBlank String controlTopic,
    @DefaultValue(Topics.RUN_EVENTS) @NotBlank String eventsTopic,
    @DefaultValue(Topics.ORCHESTRATOR_DEFINITIONS) @NotBlank String definitionsTopic,
    @DefaultValue("100ms") @NotNull Duration timerInterval,
    @DefaultValue("7d") @NotNull Duration retention) {

  /** CloudEvents {@code ce_source} of every record the orchestrator produces. */
  public static final String SOURCE = "junction/orchestrator";
}
