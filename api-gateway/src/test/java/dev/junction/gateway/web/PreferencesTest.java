package dev.junction.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PreferencesTest {

  @Test
  void noHeaderMeansNoPreference() {
    assertThat(Preferences.parse(null)).isEqualTo(Preferences.NONE);
    assertThat(Preferences.parse(List.of())).isEqualTo(Preferences.NONE);
  }

  @Test
  void parsesRespondAsync() {
    assertThat(Preferences.parse(List.of("respond-async")).respondAsync()).isTrue();
    assertThat(Preferences.parse(List.of("Respond-Async")).respondAsync()).isTrue();
  }

  @Test
  void parsesWaitInSeconds() {
    assertThat(Preferences.parse(List.of("wait=3")).maxWait()).contains(Duration.ofSeconds(3));
    assertThat(Preferences.parse(List.of("wait=\"4\"")).maxWait()).contains(Duration.ofSeconds(4));
  }

  @Test
  void parsesSeveralPreferencesAndHeaders() {
    Preferences preferences =
        Preferences.parse(List.of("handling=lenient, wait=2;foo=bar", "respond-async"));

    assertThat(preferences).isEqualTo(new Preferences(true, Optional.of(Duration.ofSeconds(2))));
  }

  @Test
  void ignoresMalformedWait() {
    assertThat(Preferences.parse(List.of("wait=soon")).maxWait()).isEmpty();
    assertThat(Preferences.parse(List.of("wait=-1")).maxWait()).isEmpty();
    assertThat(Preferences.parse(List.of("wait")).maxWait()).isEmpty();
  }

  @Test
  void firstWaitWins() {
    assertThat(Preferences.parse(List.of("wait=1, wait=9")).maxWait())
        .contains(Duration.ofSeconds(1));
  }

  @Test
  void waitShortensButNeverLengthensTheTimeout() {
    Duration timeout = Duration.ofSeconds(5);

    assertThat(Preferences.parse(List.of("wait=1")).effectiveTimeout(timeout))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(Preferences.parse(List.of("wait=60")).effectiveTimeout(timeout)).isEqualTo(timeout);
    assertThat(Preferences.NONE.effectiveTimeout(timeout)).isEqualTo(timeout);
  }
}
