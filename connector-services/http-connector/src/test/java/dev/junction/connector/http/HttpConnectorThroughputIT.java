package dev.junction.connector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.connector.http.testing.TestBackend;
import dev.junction.connector.http.testing.TokenServer;
import dev.junction.connector.support.testing.ConnectorTestBed;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A burst of commands on 8 partitions to one connector instance, each a GET a fast local backend
 * answers at once: every command is answered {@code SUCCEEDED} and calls the backend once. The rate
 * and send-to-reply latency are logged as an indication only: the measurement, next to a raw Kafka
 * round trip on the same broker, is {@code bin/junction bench --connector-only} (see
 * docs/benchmarks.md).
 */
class HttpConnectorThroughputIT {

  private static final Logger log = LoggerFactory.getLogger(HttpConnectorThroughputIT.class);
  private static final int WARM_UP = 300;
  private static final int COMMANDS = 2_000;

  private static ConnectorTestBed bed;
  private static TestBackend backend;
  private static ConfigurableApplicationContext app;

  @BeforeAll
  static void start() throws Exception {
    bed = ConnectorTestBed.start("http-connector-bench-it");
    backend = TestBackend.start();
    backend.on("/api/ping", 200, "application/json", "{\"ok\":true}");
    List<String> args = new ArrayList<>(bed.applicationArgs("http-connector"));
    args.removeIf(arg -> arg.startsWith("--junction.kafka.partitions="));
    args.add("--junction.kafka.partitions=8");
    args.add("--junction.http-connector.concurrency=8");
    args.add("--junction.http-connector.connections.fast.base-url=" + backend.url() + "/api");
    args.add(
        "--spring.autoconfigure.exclude="
            + String.join(",", TokenServer.SECURITY_AUTO_CONFIGURATION));
    app =
        new SpringApplicationBuilder(HttpConnectorApplication.class)
            .run(args.toArray(String[]::new));
    bed.startReading();
  }

  @AfterAll
  static void stop() {
    ConnectorTestBed.closeAll(app, backend, bed);
  }

  @Test
  void answersEveryCommandOfABurstOnce() throws Exception {
    burst(WARM_UP); // JIT, connections, consumer assignment

    Map<String, Long> sentAt = new HashMap<>();
    long start = System.nanoTime();
    List<String> runs = burstTimed(COMMANDS, sentAt);
    Map<String, Long> answeredAt = new HashMap<>();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              long now = System.nanoTime();
              Map<String, List<ConsumerRecord<String, ConnectorReply>>> all = bed.pollAllReplies();
              for (String run : runs) {
                if (!answeredAt.containsKey(run) && all.containsKey(run)) {
                  answeredAt.put(run, now);
                }
              }
              return answeredAt.size() == runs.size();
            });
    long elapsed = System.nanoTime() - start;

    Map<String, List<ConsumerRecord<String, ConnectorReply>>> replies = bed.pollAllReplies();
    List<Long> latencies = new ArrayList<>();
    for (String run : runs) {
      latencies.add(answeredAt.get(run) - sentAt.get(run));
      assertThat(replies.get(run).getFirst().value().getOutcome())
          .isEqualTo(ConnectorOutcome.SUCCEEDED);
    }
    latencies.sort(null);
    double perSecond = COMMANDS / (elapsed / 1e9);
    double p50 = latencies.get(latencies.size() / 2) / 1e6;
    double p99 = latencies.get((int) (latencies.size() * 0.99)) / 1e6;
    log.info(
        "http-connector throughput: {} commands in {} ms = {} commands/s; send->reply p50 {} ms,"
            + " p99 {} ms",
        COMMANDS,
        TimeUnit.NANOSECONDS.toMillis(elapsed),
        Math.round(perSecond),
        String.format("%.1f", p50),
        String.format("%.1f", p99));
    assertThat(backend.received("/api/ping")).hasSize(WARM_UP + COMMANDS);
  }

  private static void burst(int count) throws Exception {
    List<String> runs = burstTimed(count, new HashMap<>());
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> bed.pollAllReplies().keySet().containsAll(runs));
  }

  private static List<String> burstTimed(int count, Map<String, Long> sentAt) throws Exception {
    List<String> runs = new ArrayList<>(count);
    List<java.util.concurrent.Future<?>> acks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String runId = UUID.randomUUID().toString();
      InvokeConnector command =
          bed.command(runId, "ping", "fast", "request", "{\"method\":\"GET\",\"path\":\"/ping\"}");
      sentAt.put(runId, System.nanoTime());
      acks.add(bed.sendAsync(command));
      runs.add(runId);
    }
    for (java.util.concurrent.Future<?> ack : acks) {
      ack.get(60, TimeUnit.SECONDS);
    }
    return runs;
  }
}
