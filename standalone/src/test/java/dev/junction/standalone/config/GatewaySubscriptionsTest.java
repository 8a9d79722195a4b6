package dev.junction.standalone.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.standalone.config.ImportPlan.Change;
import dev.junction.standalone.config.ImportPlan.Item;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class GatewaySubscriptionsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static final String A = "sub_aaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String B = "sub_bbbbbbbbbbbbbbbbbbbbbbbb";
  private static final String C = "sub_cccccccccccccccccccccccc";
  private static final String D = "sub_dddddddddddddddddddddddd";

  private static String entry(String id, String state, String hash, String prefix) {
    return """
        {"id":"%s","product":"starter","subscriber":"client:app","displayName":null,
         "keyHash":"%s","keyPrefix":"%s","state":"%s",
         "createdAt":"2026-12-01T10:00:00Z","updatedAt":"2026-12-01T10:00:00Z","updatedBy":null}
        """
        .formatted(id, hash, prefix, state);
  }

  private static JsonNode document(String... entries) {
    return JSON.readTree(
        "{\"format\":\"junction.subscriptions/v1\",\"subscriptions\":["
            + String.join(",", entries)
            + "]}");
  }

  @Test
  void diffNamesAddedChangedUnchangedAndKeptSubscriptionsById() {
    String h1 = "1".repeat(64);
    String h2 = "2".repeat(64);
    JsonNode exported =
        document(
            entry(A, "ACTIVE", h1, "jk_a"),
            entry(B, "ACTIVE", h1.replace('1', '3'), "jk_b"),
            entry(C, "ACTIVE", h2, "jk_c"));
    JsonNode target =
        document(
            entry(B, "ACTIVE", h1.replace('1', '3'), "jk_b"),
            entry(C, "SUSPENDED", h2.replace('2', '4'), "jk_x"),
            entry(D, "PENDING", h1.replace('1', '5'), "jk_d"));

    List<Item> items =
        GatewaySubscriptions.diff(
            GatewaySubscriptions.byId(exported), GatewaySubscriptions.byId(target));

    assertThat(items)
        .containsExactly(
            new Item(A, Change.ADDED, "starter, client:app, ACTIVE"),
            new Item(B, Change.UNCHANGED, ""),
            new Item(C, Change.CHANGED, "key, state SUSPENDED -> ACTIVE"),
            new Item(D, Change.KEPT, "starter, client:app, PENDING"));
  }

  @Test
  void entriesWithoutAnIdAreLeftToTheGatewaysCheck() {
    JsonNode exported = document("{\"product\":\"starter\"}", "42");

    assertThat(GatewaySubscriptions.byId(exported)).isEmpty();
  }
}
