package dev.junction.connector.http.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthSettingsTest {

  private static AuthSettings settings(
      String type, String username, String password, String token, String key, Path file) {
    return new AuthSettings(
        type,
        username,
        password,
        file,
        token,
        file,
        "X-API-Key",
        key,
        file,
        null,
        null,
        null,
        null,
        null);
  }

  @Test
  void basicFollowsRfc7617() {
    Authentication auth =
        settings("basic", "Aladdin", "open sesame", null, null, null).authentication("c");

    assertThat(auth.headerName()).isEqualTo("Authorization");
    assertThat(auth.headerValue()).isEqualTo("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  }

  @Test
  void bearerAndApiKeySetTheirHeaders() {
    assertThat(settings("bearer", null, null, "t0k", null, null).authentication("c").headerValue())
        .isEqualTo("Bearer t0k");
    Authentication key = settings("api-key", null, null, null, "k3y", null).authentication("c");
    assertThat(key.headerName()).isEqualTo("X-API-Key");
    assertThat(key.headerValue()).isEqualTo("k3y");
    assertThat(AuthSettings.none().authentication("c").headerName()).isNull();
  }

  @Test
  void whatATypeNeedsIsRequiredAtStartUp() {
    assertThatThrownBy(() -> settings("bearer", null, null, null, null, null).authentication("crm"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connection 'crm': auth bearer needs token or token-file");
    assertThatThrownBy(() -> settings("basic", null, "p", null, null, null).authentication("crm"))
        .hasMessage("connection 'crm': auth basic needs a username");
    assertThatThrownBy(
            () -> settings("kerberos", null, null, null, null, null).authentication("crm"))
        .hasMessage(
            "connection 'crm': auth type must be none, basic, bearer, api-key or"
                + " oauth2-client-credentials");
  }

  @Test
  void neverPrintsSecrets() {
    AuthSettings settings = settings("basic", "u", "s3cret", "t0ken", "k3y", null);

    assertThat(settings.toString()).doesNotContain("s3cret", "t0ken", "k3y");
    assertThat(settings.authentication("c").toString()).doesNotContain("s3cret");
  }

  @Test
  void aSecretFileIsReadAgainWhenItChanges(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "first\n");
    Authentication auth = settings("bearer", null, null, null, null, file).authentication("c");
    assertThat(auth.headerValue()).isEqualTo("Bearer first");

    Files.writeString(file, "second\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(60)));

    await().atMost(Duration.ofSeconds(5)).until(() -> auth.headerValue().equals("Bearer second"));
  }
}
