package dev.junction.connector.http.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A credential from configuration (usually {@code ${ENV_VARIABLE}}) or from a file (a mounted
 * secret). A file is read at start-up and read again when its modification time changes (checked at
 * most once a second), so a rotated secret is picked up without a restart. Never printed.
 */
public final class Secret {

  private static final long RECHECK_NANOS = 1_000_000_000L;

  private static final Logger log = LoggerFactory.getLogger(Secret.class);

  private final Path file;
  private volatile String value;
  private volatile FileTime modified;
  private volatile long checkedAt;

  private Secret(String value, Path file) {
    this.value = value;
    this.file = file;
  }

  /** A secret given as a value. */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    return new Secret(value, null);
  }

  /**
   * A secret kept in {@code file}; trailing line breaks are ignored.
   *
   * @throws UncheckedIOException when the file cannot be read now
   */
  public static Secret fromFile(Path file) {
    Secret secret = new Secret(null, file);
    try {
      secret.load();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read secret file " + file, e);
    }
    return secret;
  }

  /** The current value. */
  public String value() {
    if (file != null && System.nanoTime() - checkedAt > RECHECK_NANOS) {
      try {
        if (!Files.getLastModifiedTime(file).equals(modified)) {
          load();
          log.info("Secret file {} changed: using its new content", file);
        }
      } catch (IOException e) {
        // keep the last good value: a rotation in progress may briefly remove the file
        log.warn("Cannot read secret file {} ({}); keeping its last value", file, e.getClass());
      }
      checkedAt = System.nanoTime();
    }
    return value;
  }

  private void load() throws IOException {
    FileTime time = Files.getLastModifiedTime(file);
    value = Files.readString(file).stripTrailing();
    modified = time;
    checkedAt = System.nanoTime();
  }

  @Override
  public String toString() {
    return file == null ? "Secret[****]" : "Secret[file=" + file + "]";
  }
}
