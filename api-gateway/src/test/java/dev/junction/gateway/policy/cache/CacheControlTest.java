package dev.junction.gateway.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.gateway.catalog.CachePolicy;
import dev.junction.gateway.policy.StoredResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheControlTest {

  private static final CachePolicy FIVE_MINUTES =
      new CachePolicy(Duration.ofMinutes(5), true, List.of(), false);

  private static StoredResponse response(String... headers) {
    Map<String, List<String>> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], List.of(headers[i + 1]));
    }
    return new StoredResponse(200, map, new byte[0], 0);
  }

  @Test
  void parsesTheDirectivesItHonours() {
    CacheControl control =
        CacheControl.parse(List.of("public, max-age=60", "s-maxage=\"30\", No-Store, x-unknown"));

    assertThat(control.noStore()).isTrue();
    assertThat(control.maxAge()).hasValue(Duration.ofSeconds(60));
    assertThat(control.lifetime()).hasValue(Duration.ofSeconds(30));
    assertThat(CacheControl.parse(null).lifetime()).isEmpty();
  }

  @Test
  void keepsAResponseForThePolicysTtlOrItsShorterMaxAge() {
    assertThat(ResponseCacheGatewayFilterFactory.ttl(FIVE_MINUTES, 200, response()))
        .hasValue(Duration.ofMinutes(5));
    assertThat(
            ResponseCacheGatewayFilterFactory.ttl(
                FIVE_MINUTES, 200, response("cache-control", "max-age=20")))
        .hasValue(Duration.ofSeconds(20));
    assertThat(
            ResponseCacheGatewayFilterFactory.ttl(
                FIVE_MINUTES, 200, response("Cache-Control", "max-age=3600")))
        .hasValue(Duration.ofMinutes(5));
  }

  @Test
  void keepsOutWhatMustNotBeShared() {
    assertThat(ResponseCacheGatewayFilterFactory.ttl(FIVE_MINUTES, 500, response())).isEmpty();
    assertThat(ResponseCacheGatewayFilterFactory.ttl(FIVE_MINUTES, 200, null)).isEmpty();
    assertThat(
            ResponseCacheGatewayFilterFactory.ttl(
                FIVE_MINUTES, 200, response("Cache-Control", "private")))
        .isEmpty();
    assertThat(
            ResponseCacheGatewayFilterFactory.ttl(
                new CachePolicy(Duration.ofMinutes(5), true, List.of(), true),
                200,
                response("Cache-Control", "private")))
        .isPresent();
    assertThat(
            ResponseCacheGatewayFilterFactory.ttl(
                FIVE_MINUTES, 200, response("Set-Cookie", "session=1")))
        .isEmpty();
    assertThat(
            ResponseCacheGatewayFilterFactory.ttl(
                FIVE_MINUTES, 200, response("Cache-Control", "max-age=0")))
        .isEmpty();
  }
}
