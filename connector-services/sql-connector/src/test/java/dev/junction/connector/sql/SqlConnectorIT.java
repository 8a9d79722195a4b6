package dev.junction.connector.sql;

import static dev.junction.connector.support.testing.ConnectorTestBed.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.connector.sql.run.SqlConnector;
import dev.junction.connector.support.invoke.CallResult;
import dev.junction.connector.support.invoke.Invocation;
import dev.junction.connector.support.testing.ConnectorTestBed;
import dev.junction.infra.FreePorts;
import dev.junction.wire.ConnectorOutcome;
import dev.junction.wire.ConnectorReply;
import dev.junction.wire.InvokeConnector;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.support.KafkaHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connector as it runs: a real KRaft broker and Apicurio Registry (child processes), the Spring
 * Boot application, and the real PostgreSQL and MariaDB servers of this machine, each with a
 * throwaway database created for this run and dropped after it.
 */
class SqlConnectorIT {

  private static final String PG_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
  private static final String MARIA_ADMIN_URL = "jdbc:mariadb://127.0.0.1:3306/";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String DATABASE =
      "junction_sql_it_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private static final AtomicLong IDS = new AtomicLong(1_000);

  private static ConnectorTestBed bed;
  private static ConfigurableApplicationContext app;
  private static boolean pgCreated;
  private static boolean mariaCreated;

  @BeforeAll
  static void start() throws Exception {
    bed = ConnectorTestBed.start("sql-connector-it");
    try (Connection admin = DriverManager.getConnection(PG_ADMIN_URL, "postgres", null);
        Statement sql = admin.createStatement()) {
      sql.execute("CREATE DATABASE " + DATABASE);
      pgCreated = true;
    }
    try (Connection admin = DriverManager.getConnection(MARIA_ADMIN_URL, "root", "");
        Statement sql = admin.createStatement()) {
      sql.execute("CREATE DATABASE " + DATABASE);
      mariaCreated = true;
    }
    for (String connection : List.of("pg", "maria")) {
      try (Connection db = open(connection);
          Statement sql = db.createStatement()) {
        sql.execute(
            "CREATE TABLE orders (id BIGINT PRIMARY KEY, sku VARCHAR(60) NOT NULL,"
                + " quantity INT NOT NULL, price DECIMAL(10,2))");
        sql.execute(
            "CREATE TABLE stock (sku VARCHAR(60) PRIMARY KEY, available INT NOT NULL,"
                + " CONSTRAINT stock_not_negative CHECK (available >= 0))");
        sql.execute("INSERT INTO stock (sku, available) VALUES ('A-1', 1000), ('B-2', 1)");
      }
    }
    List<String> args = new ArrayList<>(bed.applicationArgs("sql-connector"));
    args.add("--spring.config.additional-location=classpath:sql-connector-it.yaml");
    args.add("--it.pg-url=" + url("pg"));
    args.add("--it.maria-url=" + url("maria"));
    args.add("--it.down-url=jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/none");
    app =
        new SpringApplicationBuilder(SqlConnectorApplication.class)
            .run(args.toArray(String[]::new));
    bed.startReading();
  }

  @AfterAll
  static void stop() throws Exception {
    ConnectorTestBed.closeAll(app, bed);
    if (pgCreated) {
      try (Connection admin = DriverManager.getConnection(PG_ADMIN_URL, "postgres", null);
          Statement sql = admin.createStatement()) {
        sql.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
      }
    }
    if (mariaCreated) {
      try (Connection admin = DriverManager.getConnection(MARIA_ADMIN_URL, "root", "");
          Statement sql = admin.createStatement()) {
        sql.execute("DROP DATABASE IF EXISTS " + DATABASE);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void queryAnswersRowsAsJson(String connection) throws Exception {
    long id = IDS.incrementAndGet();
    execute(connection, "INSERT INTO orders VALUES (" + id + ", 'A-1', 2, 12.50)");

    ConnectorReply reply =
        call(connection, "query", "{\"statement\":\"find-order\",\"params\":{\"id\":" + id + "}}");

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    JsonNode output = JSON.readTree(reply.getOutput());
    assertThat(output.get("statement").asString()).isEqualTo("find-order");
    assertThat(output.get("rows")).hasSize(1);
    JsonNode row = output.get("rows").get(0);
    assertThat(row.get("id").asLong()).isEqualTo(id);
    assertThat(row.get("sku").asString()).isEqualTo("A-1");
    assertThat(row.get("quantity").asInt()).isEqualTo(2);
    assertThat(row.get("price").asDouble()).isEqualTo(12.5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void updateAnswersTheAffectedCountAndCommits(String connection) throws Exception {
    long id = IDS.incrementAndGet();

    ConnectorReply reply = call(connection, "update", insertOrder(id, "A-1", 3));

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    assertThat(JSON.readTree(reply.getOutput()).get("affected").asInt()).isEqualTo(1);
    assertThat(count(connection, "SELECT COUNT(*) FROM orders WHERE id = " + id)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void aTransactionRunsItsStatementsInOrderAndCommitsThemTogether(String connection)
      throws Exception {
    long id = IDS.incrementAndGet();
    long before = count(connection, "SELECT available FROM stock WHERE sku = 'A-1'");

    ConnectorReply reply =
        call(
            connection,
            "transaction",
            "{\"statements\":["
                + insertOrder(id, "A-1", 4)
                + ",{\"statement\":\"take-stock\",\"params\":{\"sku\":\"A-1\",\"quantity\":4}},"
                + "{\"statement\":\"stock-of\",\"params\":{\"sku\":\"A-1\"}}]}");

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    JsonNode results = JSON.readTree(reply.getOutput()).get("results");
    assertThat(results.get(0).get("affected").asInt()).isEqualTo(1);
    assertThat(results.get(1).get("affected").asInt()).isEqualTo(1);
    // the query inside the transaction sees the transaction's own update
    assertThat(results.get(2).get("rows").get(0).get("available").asLong()).isEqualTo(before - 4);
    assertThat(count(connection, "SELECT COUNT(*) FROM orders WHERE id = " + id)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void aConstraintViolationFailsTheStepAndRollsBackTheWholeTransaction(String connection)
      throws Exception {
    long id = IDS.incrementAndGet();

    // B-2 has 1 in stock: taking 5 violates the check constraint after the order was inserted
    ConnectorReply reply =
        call(
            connection,
            "transaction",
            "{\"statements\":["
                + insertOrder(id, "B-2", 5)
                + ",{\"statement\":\"take-stock\",\"params\":{\"sku\":\"B-2\",\"quantity\":5}}]}");

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FAILED);
    assertThat(reply.getError())
        .startsWith("connection '" + connection + "': statement 'take-stock' violated a constraint")
        .contains("SQLState 23");
    assertThat(count(connection, "SELECT COUNT(*) FROM orders WHERE id = " + id)).isZero();
    assertThat(count(connection, "SELECT available FROM stock WHERE sku = 'B-2'")).isEqualTo(1);
    assertThat(ledgerRows(connection, runKey(reply))).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void aDuplicatePrimaryKeyIsABusinessFailure(String connection) throws Exception {
    long id = IDS.incrementAndGet();
    execute(connection, "INSERT INTO orders VALUES (" + id + ", 'A-1', 1, NULL)");

    ConnectorReply reply = call(connection, "update", insertOrder(id, "A-1", 1));

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.FAILED);
    assertThat(reply.getError()).contains("'insert-order' violated a constraint");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void theSameCommandDeliveredTwiceTakesEffectOnceAndIsAnsweredTwiceAlike(String connection)
      throws Exception {
    long id = IDS.incrementAndGet();
    String runId = UUID.randomUUID().toString();
    InvokeConnector command =
        bed.command(runId, "create", connection, "update", insertOrder(id, "A-1", 1));

    bed.send(command, null);
    bed.send(command, null);
    List<ConsumerRecord<String, ConnectorReply>> replies = bed.awaitReplies(runId, 2);

    assertThat(replies)
        .extracting(record -> record.value().getOutcome())
        .containsExactly(ConnectorOutcome.SUCCEEDED, ConnectorOutcome.SUCCEEDED);
    assertThat(replies.get(1).value().getOutput()).isEqualTo(replies.get(0).value().getOutput());
    assertThat(count(connection, "SELECT COUNT(*) FROM orders WHERE id = " + id)).isEqualTo(1);
    assertThat(ledgerRows(connection, command.getIdempotencyKey())).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void concurrentDeliveriesOfOneCommandTakeEffectOnce(String connection) throws Exception {
    long id = IDS.incrementAndGet();
    SqlConnector connector = app.getBean(SqlConnector.class);
    Invocation invocation =
        new Invocation(
            connection, "update", insertOrder(id, "A-1", 1), "race-" + id + ":create:1", null);
    Callable<CallResult> perform = () -> connector.perform(invocation, Invocation.NO_DEADLINE);

    List<CallResult> results = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
      List<Future<CallResult>> pending = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        pending.add(threads.submit(perform));
      }
      for (Future<CallResult> result : pending) {
        results.add(result.get());
      }
    }

    assertThat(results).extracting(CallResult::outcome).containsOnly(ConnectorOutcome.SUCCEEDED);
    assertThat(results).extracting(CallResult::output).containsOnly(results.getFirst().output());
    assertThat(count(connection, "SELECT COUNT(*) FROM orders WHERE id = " + id)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void aMessageCannotSmuggleSqlText(String connection) throws Exception {
    ConnectorReply sqlField =
        call(
            connection,
            "query",
            "{\"statement\":\"find-order\",\"params\":{\"id\":1},\"sql\":\"DROP TABLE orders\"}");
    ConnectorReply sqlAsName =
        call(connection, "query", "{\"statement\":\"DROP TABLE orders\",\"params\":{}}");
    long id = IDS.incrementAndGet();
    String injection = "x'); DROP TABLE orders; --";
    ConnectorReply sqlAsValue =
        call(
            connection,
            "update",
            "{\"statement\":\"insert-order\",\"params\":{\"id\":"
                + id
                + ",\"sku\":"
                + JSON.writeValueAsString(injection)
                + ",\"quantity\":1,\"price\":null}}");

    assertThat(sqlField.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(sqlField.getError()).contains("unknown field 'sql'");
    assertThat(sqlAsName.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(sqlAsName.getError()).contains("unknown statement 'DROP TABLE orders'");
    // a value is only ever a value: stored as text, the table is still there
    assertThat(sqlAsValue.getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
    try (Connection db = open(connection);
        PreparedStatement select = db.prepareStatement("SELECT sku FROM orders WHERE id = ?")) {
      select.setLong(1, id);
      try (ResultSet rows = select.executeQuery()) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo(injection);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void unknownStatementsAndBadParametersAreFatal(String connection) throws Exception {
    ConnectorReply unknown = call(connection, "query", "{\"statement\":\"nope\"}");
    ConnectorReply missing = call(connection, "query", "{\"statement\":\"find-order\"}");
    ConnectorReply refusedByDatabase =
        call(
            connection,
            "update",
            "{\"statement\":\"insert-order\",\"params\":{\"id\":"
                + IDS.incrementAndGet()
                + ",\"sku\":\"A-1\",\"quantity\":\"many\",\"price\":null}}");

    assertThat(unknown.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(unknown.getError())
        .isEqualTo("connection '" + connection + "': unknown statement 'nope'");
    assertThat(missing.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(missing.getError()).endsWith("statement 'find-order' needs parameter 'id'");
    assertThat(refusedByDatabase.getOutcome()).isEqualTo(ConnectorOutcome.FATAL_ERROR);
    assertThat(refusedByDatabase.getError())
        .startsWith("connection '" + connection + "': statement 'insert-order'")
        .doesNotContain("many");
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void aStatementStillRunningAtTheDeadlineIsCancelledAsRetryable(String connection)
      throws Exception {
    String runId = UUID.randomUUID().toString();
    InvokeConnector command =
        InvokeConnector.newBuilder(
                bed.command(
                    runId,
                    "wait",
                    connection,
                    "query",
                    "{\"statement\":\"sleep\",\"params\":{\"seconds\":20}}"))
            .setDeadline(Instant.now().plusMillis(1_500))
            .build();

    bed.send(command, null);
    ConnectorReply reply = bed.awaitReply(runId).value();

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
    assertThat(reply.getError())
        .startsWith("connection '" + connection + "': statement 'sleep' timed out");
    // cancelled after the (whole-second) query timeout, not after the 20 s sleep
    assertThat(reply.getDurationMs()).isLessThan(10_000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg", "maria"})
  void ledgerEntriesOlderThanTheRetentionArePurgedAndRecentOnesKept(String connection)
      throws Exception {
    ConnectorReply recent =
        call(connection, "update", insertOrder(IDS.incrementAndGet(), "A-1", 1));
    String oldKey = "old-" + UUID.randomUUID();
    try (Connection db = open(connection);
        PreparedStatement insert =
            db.prepareStatement(
                "INSERT INTO "
                    + SqlConnectorProperties.DEFAULT_LEDGER_TABLE
                    + " (idempotency_key, output, recorded_at) VALUES (?, '{}', ?)")) {
      insert.setString(1, oldKey);
      insert.setTimestamp(2, Timestamp.from(Instant.now().minus(Duration.ofDays(30))));
      insert.executeUpdate();
    }

    int deleted = app.getBean(SqlConnector.class).purgeLedgers(Duration.ofDays(7));

    assertThat(deleted).isGreaterThanOrEqualTo(1);
    assertThat(ledgerRows(connection, oldKey)).isZero();
    assertThat(ledgerRows(connection, runKey(recent))).isEqualTo(1);
  }

  @Test
  void aDatabaseThatCannotBeReachedIsRetryable() throws Exception {
    ConnectorReply reply =
        call("down", "query", "{\"statement\":\"find-order\",\"params\":{\"id\":1}}");

    assertThat(reply.getOutcome()).isEqualTo(ConnectorOutcome.RETRYABLE_ERROR);
    assertThat(reply.getError()).startsWith("connection 'down': database unavailable");
  }

  @Test
  void deadLettersAnUnreadableCommandAndGoesOnWithTheNextOne() throws Exception {
    String runId = UUID.randomUUID().toString();
    byte[] garbage = "SELECT * FROM orders".getBytes(StandardCharsets.UTF_8);
    // same key, so same partition: the good command queues behind the garbage
    bed.sendRaw(runId, garbage);
    bed.send(
        bed.command(
            runId, "find", "pg", "query", "{\"statement\":\"find-order\",\"params\":{\"id\":1}}"),
        null);

    ConsumerRecord<String, byte[]> deadLetter = bed.awaitDeadLetter(runId);
    assertThat(deadLetter.value()).isEqualTo(garbage);
    assertThat(header(deadLetter, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(bed.commandTopic());
    assertThat(header(deadLetter, KafkaHeaders.DLT_EXCEPTION_FQCN))
        .isEqualTo("org.springframework.kafka.support.serializer.DeserializationException");
    assertThat(bed.awaitReply(runId).value().getOutcome()).isEqualTo(ConnectorOutcome.SUCCEEDED);
  }

  private static String insertOrder(long id, String sku, int quantity) {
    return "{\"statement\":\"insert-order\",\"params\":{\"id\":"
        + id
        + ",\"sku\":\""
        + sku
        + "\",\"quantity\":"
        + quantity
        + ",\"price\":9.99}}";
  }

  /** Sends one command and awaits its reply. */
  private static ConnectorReply call(String connection, String operation, String input)
      throws Exception {
    String runId = UUID.randomUUID().toString();
    bed.send(bed.command(runId, "step", connection, operation, input), null);
    return bed.awaitReply(runId).value();
  }

  private static String runKey(ConnectorReply reply) {
    return reply.getRunId() + ":" + reply.getStepId() + ":" + reply.getAttempt();
  }

  private static String url(String connection) {
    return connection.equals("pg")
        ? "jdbc:postgresql://127.0.0.1:5432/" + DATABASE
        : "jdbc:mariadb://127.0.0.1:3306/" + DATABASE;
  }

  private static Connection open(String connection) throws SQLException {
    return connection.equals("pg")
        ? DriverManager.getConnection(url("pg"), "postgres", null)
        : DriverManager.getConnection(url("maria"), "root", "");
  }

  private static void execute(String connection, String sql) throws SQLException {
    try (Connection db = open(connection);
        Statement statement = db.createStatement()) {
      statement.execute(sql);
    }
  }

  private static long count(String connection, String sql) throws SQLException {
    try (Connection db = open(connection);
        Statement statement = db.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static long ledgerRows(String connection, String key) throws SQLException {
    try (Connection db = open(connection);
        PreparedStatement select =
            db.prepareStatement(
                "SELECT COUNT(*) FROM "
                    + SqlConnectorProperties.DEFAULT_LEDGER_TABLE
                    + " WHERE idempotency_key = ?")) {
      select.setString(1, key);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }
}
