package dev.junction.gateway.subscription;

import static dev.junction.gateway.GatewayTestSupport.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.junction.gateway.GatewayTestSupport;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Subscription keys through two running gateway instances that share a broker (the subscriptions
 * topic) and Redis (the buckets): run by {@code RateLimitIT}, which starts them.
 */
public final class SubscriptionScenario {

  private static final Logger log = LoggerFactory.getLogger(SubscriptionScenario.class);
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final String HEADER = SubscriptionProperties.DEFAULT_HEADER;
  static final int QUOTA = 3;

  private final GatewayTestSupport stack;
  private final String first;
  private final String second;

  public SubscriptionScenario(GatewayTestSupport stack, String first, String second) {
    this.stack = stack;
    this.first = first;
    this.second = second;
  }

  /**
   * Writes two APIs into the catalog folder and two products into a products folder beside it:
   * {@code gold} grants {@code keyed v1} (scopes waived for keys, a quota of {@value #QUOTA} per
   * minute), {@code silver} grants {@code other} (every version).
   *
   * @return the products folder
   */
  public static Path writeCatalogAndProducts(Path catalog) throws IOException {
    Files.writeString(
        catalog.resolve("keyed-v1.yaml"),
        """
        name: keyed
        version: v1
        basePath: /keyed/v1
        policies:
          subscription: {waiveScopes: true}
        operations:
          - id: hello
            method: GET
            path: /hello
            scopes: [keyed:read]
            mock: {status: 200, body: {hello: true}}
        """);
    Files.writeString(
        catalog.resolve("other-v1.yaml"),
        """
        name: other
        version: v1
        basePath: /other/v1
        operations:
          - id: ping
            method: GET
            path: /ping
            mock: {status: 200, body: {pong: true}}
        """);
    Path products = Files.createTempDirectory(catalog.getParent(), "products");
    Files.writeString(
        products.resolve("gold.yaml"),
        """
        name: gold
        title: Gold
        apis:
          - {name: keyed, version: v1}
        limits:
          quota: {limit: %d, window: 60s}
        """
            .formatted(QUOTA));
    Files.writeString(
        products.resolve("silver.yaml"),
        """
        name: silver
        apis:
          - name: other
        approvalRequired: false
        """);
    return products;
  }

  /** A consumer's token: any valid token may subscribe; the subscriber is its client. */
  private String consumer(String client) {
    return stack.token(client, "");
  }

  private String operator() {
    return stack.token("ops", "subscriptions:admin");
  }

  private JsonNode subscribe(String token, String product) {
    HttpResponse<String> created =
        stack.send(
            "POST",
            first + "/subscriptions",
            token,
            "{\"product\":\"" + product + "\",\"displayName\":\"it\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode answer = JSON.readTree(created.body());
    assertThat(answer.get("key").asString()).startsWith(SubscriptionKeys.PREFIX).hasSize(46);
    assertThat(created.headers().firstValue("Location"))
        .hasValue("/subscriptions/" + answer.get("subscription").get("id").asString());
    return answer;
  }

  private HttpResponse<String> withKey(String base, String path, String key, String token) {
    return stack.send("GET", base + path, token, null, HEADER, key);
  }

  public void keyAcrossInstances() {
    String client = "app-" + UUID.randomUUID();
    JsonNode created = subscribe(consumer(client), "gold");
    String key = created.get("key").asString();
    String id = created.get("subscription").get("id").asString();
    assertThat(created.get("subscription").get("subscriber").asString())
        .isEqualTo("client:" + client);
    assertThat(created.get("subscription").get("state").asString()).isEqualTo("ACTIVE");

    // created through the first instance, used on the second: it learns it from the topic
    long start = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> withKey(second, "/keyed/v1/hello", key, null).statusCode() == 200);
    log.info(
        "key created on one gateway accepted by the other after {} ms",
        (System.nanoTime() - start) / 1_000_000);

    // a key alone (no token) passes the operation's scope, which the API waives for keys
    HttpResponse<String> keyOnly = withKey(first, "/keyed/v1/hello", key, null);
    assertThat(keyOnly.statusCode()).as(keyOnly.body()).isEqualTo(200);
    assertThat(keyOnly.headers().firstValue("RateLimit-Policy"))
        .hasValue("\"gold.quota\";q=%d;w=60".formatted(QUOTA));

    // no key where the product requires one; an unknown key; a key of another product
    assertProblem(
        stack.send("GET", first + "/keyed/v1/hello", consumer(client), null),
        401,
        "subscription-key-missing");
    assertProblem(
        withKey(second, "/keyed/v1/hello", SubscriptionKeys.generate(), null),
        401,
        "subscription-key-invalid");
    assertProblem(
        withKey(second, "/keyed/v1/hello", SubscriptionKeys.generate(), consumer(client)),
        401,
        "subscription-key-invalid");
    assertProblem(withKey(first, "/other/v1/ping", key, null), 403, "subscription-not-allowed");
    // a key does not open the gateway's own endpoints
    assertThat(withKey(first, "/subscriptions", key, null).statusCode()).isEqualTo(401);

    // with a token as well, the token's scopes apply (waived only for a key alone)
    assertProblem(withKey(second, "/keyed/v1/hello", key, consumer(client)), 403, "forbidden");
    // the quota is one quota across both instances (Redis): used 2 of 3 so far
    HttpResponse<String> third =
        withKey(second, "/keyed/v1/hello", key, stack.token(client, "keyed:read"));
    assertThat(third.statusCode()).isEqualTo(200);
    HttpResponse<String> refused = withKey(first, "/keyed/v1/hello", key, null);
    assertProblem(refused, 429, "rate-limited");
    assertThat(refused.headers().firstValue("Retry-After"))
        .hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
    assertThat(refused.headers().firstValue("RateLimit"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("\"gold.quota\";r=0;t="));

    // its owner sees the usage against the quota
    HttpResponse<String> mine =
        stack.send("GET", second + "/subscriptions/" + id, consumer(client), null);
    assertThat(mine.statusCode()).as(mine.body()).isEqualTo(200);
    JsonNode usage = JSON.readTree(mine.body()).get("usage").get(0);
    assertThat(usage.get("name").asString()).isEqualTo("gold.quota");
    assertThat(usage.get("limit").asLong()).isEqualTo(QUOTA);
    assertThat(usage.get("used").asLong()).isEqualTo(QUOTA);
    assertThat(usage.get("remaining").asLong()).isZero();
    assertThat(usage.get("resetSeconds").asLong()).isBetween(1L, 60L);
    assertThat(mine.body()).doesNotContain("keyHash").doesNotContain(key);
    // and nobody else does
    assertProblem(
        stack.send("GET", first + "/subscriptions/" + id, consumer("someone-else"), null),
        404,
        "subscription-not-found");

    // the topic holds the key's hash, never the key
    List<byte[]> values = topicValues();
    assertThat(values)
        .anySatisfy(
            v ->
                assertThat(new String(v, StandardCharsets.UTF_8))
                    .contains(SubscriptionKeys.hash(key)));
    assertThat(values)
        .noneSatisfy(v -> assertThat(new String(v, StandardCharsets.UTF_8)).contains(key));
  }

  public void keyLifecycle() {
    String client = "app-" + UUID.randomUUID();
    JsonNode created = subscribe(consumer(client), "silver");
    String key = created.get("key").asString();
    String id = created.get("subscription").get("id").asString();
    awaitStatus(second, "/other/v1/ping", key, 200);

    // subscribers cannot suspend; operators can, and every instance refuses the key
    assertProblem(
        stack.send("POST", first + "/subscriptions/" + id + "/suspend", consumer(client), null),
        403,
        "forbidden");
    HttpResponse<String> suspended =
        stack.send("POST", first + "/subscriptions/" + id + "/suspend", operator(), null);
    assertThat(suspended.statusCode()).as(suspended.body()).isEqualTo(200);
    assertThat(JSON.readTree(suspended.body()).get("state").asString()).isEqualTo("SUSPENDED");
    awaitStatus(second, "/other/v1/ping", key, 403);
    assertProblem(withKey(second, "/other/v1/ping", key, null), 403, "subscription-inactive");
    assertThat(
            stack
                .send("POST", second + "/subscriptions/" + id + "/activate", operator(), null)
                .statusCode())
        .isEqualTo(200);
    awaitStatus(first, "/other/v1/ping", key, 200);

    // a new key replaces the old one
    HttpResponse<String> renewed =
        stack.send("POST", first + "/subscriptions/" + id + "/key", consumer(client), null);
    assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
    String newKey = JSON.readTree(renewed.body()).get("key").asString();
    assertThat(newKey).isNotEqualTo(key);
    assertProblem(withKey(first, "/other/v1/ping", key, null), 401, "subscription-key-invalid");
    assertThat(withKey(first, "/other/v1/ping", newKey, null).statusCode()).isEqualTo(200);

    // its owner lists it, an operator lists everybody's
    JsonNode listed =
        JSON.readTree(stack.send("GET", second + "/subscriptions", consumer(client), null).body());
    assertThat(listed.findValuesAsString("id")).containsExactly(id);
    assertProblem(
        stack.send("GET", second + "/subscriptions?all=true", consumer(client), null),
        403,
        "forbidden");
    assertThat(
            JSON.readTree(
                    stack.send("GET", second + "/subscriptions?all=true", operator(), null).body())
                .findValuesAsString("id"))
        .contains(id);

    // cancelled: gone everywhere
    assertThat(
            stack
                .send("DELETE", first + "/subscriptions/" + id, consumer(client), null)
                .statusCode())
        .isEqualTo(204);
    awaitStatus(second, "/other/v1/ping", newKey, 401);
  }

  public void exportAndImport() {
    String client = "app-" + UUID.randomUUID();
    JsonNode created = subscribe(consumer(client), "silver");
    String key = created.get("key").asString();
    String id = created.get("subscription").get("id").asString();

    assertProblem(
        stack.send("GET", first + "/subscriptions/export", consumer(client), null),
        403,
        "forbidden");
    HttpResponse<String> exported =
        stack.send("GET", first + "/subscriptions/export", operator(), null);
    assertThat(exported.statusCode()).as(exported.body()).isEqualTo(200);
    JsonNode document = JSON.readTree(exported.body());
    assertThat(document.get("format").asString()).isEqualTo(SubscriptionService.EXPORT_FORMAT);
    assertThat(exported.body()).contains(SubscriptionKeys.hash(key)).doesNotContain(key);

    // cancelled, then restored from the backup: the same key works again
    stack.send("DELETE", first + "/subscriptions/" + id, consumer(client), null);
    awaitStatus(second, "/other/v1/ping", key, 401);
    // an invalid document is refused as a whole
    String broken = exported.body().replace(SubscriptionKeys.hash(key), "not-a-hash");
    assertProblem(
        stack.send("POST", second + "/subscriptions/import", operator(), broken),
        400,
        "invalid-request");
    // a dry run checks the document and writes nothing
    HttpResponse<String> checked =
        stack.send(
            "POST", second + "/subscriptions/import?dryRun=true", operator(), exported.body());
    assertThat(checked.statusCode()).as(checked.body()).isEqualTo(200);
    assertThat(JSON.readTree(checked.body()).get("valid").asInt())
        .isEqualTo(document.get("subscriptions").size());
    assertThat(JSON.readTree(checked.body()).get("imported").asInt()).isZero();
    assertThat(withKey(first, "/other/v1/ping", key, null).statusCode()).isEqualTo(401);
    HttpResponse<String> imported =
        stack.send("POST", second + "/subscriptions/import", operator(), exported.body());
    assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
    assertThat(JSON.readTree(imported.body()).get("imported").asInt())
        .isEqualTo(document.get("subscriptions").size());
    awaitStatus(first, "/other/v1/ping", key, 200);
  }

  private void awaitStatus(String base, String path, String key, int status) {
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> withKey(base, path, key, null).statusCode() == status);
  }

  /** Every record value on the subscriptions topic, as bytes. */
  private List<byte[]> topicValues() {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrapServers(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(stack.subscriptionsTopic(), 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      List<byte[]> values = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() != null) {
            values.add(record.value());
          }
        }
      }
      assertThat(values).isNotEmpty();
      return values;
    }
  }
}
