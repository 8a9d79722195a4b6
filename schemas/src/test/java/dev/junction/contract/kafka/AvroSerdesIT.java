package dev.junction.contract.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.wire.WorkflowRequested;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SerDe against a real Apicurio Registry: Confluent's wire format, readable by ccompat users.
 */
class AvroSerdesIT {

  private static final String TOPIC = "avro-serdes-it.commands";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ApicurioRegistry registry;

  @BeforeAll
  static void startRegistry() {
    registry = ApicurioRegistry.start(ApicurioRegistry.Settings.forTest("avro-serdes-it"));
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void writesConfluentWireFormatWithAnIdTheCompatibleApiServes() throws Exception {
    WorkflowRequested request = request("run-1");
    Serializer<WorkflowRequested> serializer = AvroSerdes.serializer(registry.registryUrl());
    Deserializer<WorkflowRequested> deserializer =
        AvroSerdes.deserializer(WorkflowRequested.class, registry.registryUrl());

    byte[] bytes = serializer.serialize(TOPIC, request);

    ByteBuffer frame = ByteBuffer.wrap(bytes);
    assertThat(frame.get()).as("magic byte").isEqualTo((byte) 0);
    int schemaId = frame.getInt();
    HttpResponse<String> schema = get(registry.ccompatUrl() + "/schemas/ids/" + schemaId);
    assertThat(schema.statusCode()).isEqualTo(200);
    assertThat(schema.body()).contains("WorkflowRequested");
    assertThat(get(registry.ccompatUrl() + "/subjects").body()).contains(TOPIC + "-value");
    assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(request);
  }

  @Test
  void plainAvroReadsTheRecordWithTheSchemaTheCompatibleApiServes() throws Exception {
    WorkflowRequested request = request("run-plain");
    byte[] bytes =
        AvroSerdes.<WorkflowRequested>serializer(registry.registryUrl()).serialize(TOPIC, request);

    // Confluent's framing: magic byte 0, 4-byte big-endian schema id, then Avro binary
    ByteBuffer frame = ByteBuffer.wrap(bytes);
    assertThat(frame.get()).isZero();
    int schemaId = frame.getInt();
    HttpResponse<String> served = get(registry.ccompatUrl() + "/schemas/ids/" + schemaId);
    Schema writer = new Schema.Parser().parse(JSON.readTree(served.body()).get("schema").asText());
    GenericRecord record =
        new GenericDatumReader<GenericRecord>(writer)
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

    assertThat(record.get("runId")).hasToString("run-plain");
    assertThat(record.get("workflow")).hasToString("create-order");
    assertThat(record.get("body")).hasToString("{\"sku\":\"sku-1\"}");
    assertThat(record.get("requestedAt")).isEqualTo(request.getRequestedAt().toEpochMilli());
    assertThat(record.get("replyPartition")).isEqualTo(0);
  }

  @Test
  void registersTheSchemaOnceForManyRecords() throws Exception {
    Serializer<WorkflowRequested> serializer = AvroSerdes.serializer(registry.registryUrl());
    String topic = TOPIC + ".repeat";

    int first = ByteBuffer.wrap(serializer.serialize(topic, request("a"))).getInt(1);
    int second = ByteBuffer.wrap(serializer.serialize(topic, request("b"))).getInt(1);

    assertThat(second).isEqualTo(first);
    assertThat(get(registry.ccompatUrl() + "/subjects/" + topic + "-value/versions").body())
        .isEqualTo("[1]");
  }

  private static WorkflowRequested request(String runId) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return WorkflowRequested.newBuilder()
        .setRunId(runId)
        .setWorkflow("create-order")
        .setApi("orders")
        .setApiVersion("v1")
        .setOperation("createOrder")
        .setMethod("POST")
        .setPath("/orders/v1/orders")
        .setHeaders(Map.of("content-type", "application/json"))
        .setBody("{\"sku\":\"sku-1\"}")
        .setReplyTopic("gateway.replies")
        .setReplyPartition(0)
        .setRequestedAt(now)
        .setDeadline(now.plusSeconds(5))
        .build();
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
