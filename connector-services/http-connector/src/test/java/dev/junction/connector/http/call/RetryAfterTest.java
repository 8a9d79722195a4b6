package dev.junction.connector.http.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void readsDelaySeconds() {
    assertThat(RetryAfter.parse("2", CLOCK)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void readsAnHttpDate() {
    assertThat(RetryAfter.parse("Thu, 26 Nov 2026 10:00:03 GMT", CLOCK))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(RetryAfter.parse("Thu, 26 Nov 2026 09:00:00 GMT", CLOCK)).isEqualTo(Duration.ZERO);
  }

  @Test
  void ignoresWhatItCannotRead() {
    assertThat(RetryAfter.parse(null, CLOCK)).isNull();
    assertThat(RetryAfter.parse("soon", CLOCK)).isNull();
    assertThat(RetryAfter.parse("-1", CLOCK)).isNull();
    assertThat(RetryAfter.parse("99999999999999999999999", CLOCK)).isNull();
  }
}
