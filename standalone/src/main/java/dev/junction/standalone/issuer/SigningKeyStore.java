package dev.junction.standalone.issuer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps the development issuer's RSA signing key on disk (owner-readable only). */
public final class SigningKeyStore {
  private static final Logger log = LoggerFactory.getLogger(SigningKeyStore.class);

  private SigningKeyStore() {}

  /** The key in {@code file}, or a new 2048-bit RS256 key written there. */
  public static RSAKey loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        return RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8));
      }
      RSAKey key =
          new RSAKeyGenerator(2048)
              .keyID(UUID.randomUUID().toString())
              .keyUse(KeyUse.SIGNATURE)
              .algorithm(JWSAlgorithm.RS256)
              .generate();
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, key.toJSONString(), StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        log.debug("File system of {} has no POSIX permissions", file);
      }
      log.info("Created a new signing key for the dev issuer in {}", file);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or write the signing key " + file, e);
    } catch (ParseException e) {
      throw new IllegalStateException(
          "The signing key file " + file + " is not a JWK; delete it to create a new key", e);
    } catch (JOSEException e) {
      throw new IllegalStateException("Cannot generate an RSA signing key", e);
    }
  }
}
