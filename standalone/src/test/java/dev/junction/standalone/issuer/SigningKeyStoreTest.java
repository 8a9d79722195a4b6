package dev.junction.standalone.issuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyStoreTest {

  @Test
  void keepsTheSameKeyAcrossRestarts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("issuer/signing-key.jwk");

    RSAKey first = SigningKeyStore.loadOrCreate(file);
    RSAKey second = SigningKeyStore.loadOrCreate(file);

    assertThat(first.isPrivate()).isTrue();
    assertThat(second.getKeyID()).isEqualTo(first.getKeyID());
    assertThat(second.toRSAPublicKey()).isEqualTo(first.toRSAPublicKey());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void refusesAFileThatIsNotAKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("signing-key.jwk");
    Files.writeString(file, "not a key");

    assertThatThrownBy(() -> SigningKeyStore.loadOrCreate(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("delete it");
  }
}
