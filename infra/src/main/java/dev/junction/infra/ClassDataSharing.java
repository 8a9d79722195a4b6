package dev.junction.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class-data sharing (the JDK's CDS) for the JVMs Junction starts: the first start of a program
 * writes an archive of the classes it loaded when it exits, and later starts map that archive
 * instead of loading, parsing and verifying those classes again (the registry's start went from 17
 * s to 12 s here). It matters on small machines, where a stack starts a dozen JVMs at once.
 *
 * <p>One archive per program, JDK and exact jars (their names, sizes and dates make its key), in
 * {@code .junction/cds} of the Junction home; a new jar or JDK gets a new archive. An archive is
 * written under a name of its own and renamed once its JVM has exited, so a JVM never maps one that
 * another is still writing. A JVM that cannot use an archive runs without it. {@code
 * JUNCTION_CDS=off} turns all of this off.
 */
public final class ClassDataSharing {

  private static final Logger log = LoggerFactory.getLogger(ClassDataSharing.class);

  /** The exit code of a JVM ended by SIGKILL. */
  private static final int KILLED = 128 + 9;

  /**
   * What a JVM start needs: its options, and what to do once it has exited.
   *
   * @param jvmOptions options for the {@code java} command line, before the main class or jar
   * @param archive the archive this start maps or writes; null when sharing is off
   * @param written where this start writes a new archive on exit; null when it maps one
   */
  public record Plan(List<String> jvmOptions, Path archive, Path written) {

    /** No archive: sharing is off, or the cache folder is not writable. */
    static final Plan NONE = new Plan(List.of(), null, null);

    /**
     * Call once the JVM has exited: publishes the archive it wrote, if any, and removes the
     * program's archives for other jars. A JVM killed before it could write one leaves nothing, and
     * the next start writes it. A JVM killed with SIGKILL (exit code 137, e.g. when it outlived its
     * stop grace) may have been killed while writing: the JVM writes the archive's header first, so
     * a cut archive looks whole, and a JVM given it would silently run without sharing, for as long
     * as the jars stay the same. Its file is removed instead; the next start writes it anew.
     *
     * @param exitCode the JVM's exit code (128 + the signal's number when a signal ended it)
     */
    public void exited(int exitCode) {
      if (written == null) {
        return;
      }
      if (exitCode == KILLED) {
        discard(written);
      } else {
        publish(written, archive);
      }
    }
  }

  private ClassDataSharing() {}

  /**
   * The plan for starting {@code program} from {@code jars} (the jar run with {@code -jar}, or the
   * class path's jars) with this JVM's Java binary.
   */
  public static Plan plan(String program, List<Path> jars) {
    if ("off".equalsIgnoreCase(System.getenv("JUNCTION_CDS"))) {
      return Plan.NONE;
    }
    try {
      return plan(InfraPaths.home().resolve(".junction").resolve("cds"), program, jars);
    } catch (RuntimeException e) {
      log.debug("Starting {} without class-data sharing: {}", program, e.toString());
      return Plan.NONE;
    }
  }

  /** The plan with archives kept in {@code cacheDir}. */
  static Plan plan(Path cacheDir, String program, List<Path> jars) {
    try {
      Path dir = Files.createDirectories(cacheDir);
      Path archive = dir.resolve(program + "-" + key(jars) + ".jsa");
      publishAbandoned(dir, archive);
      if (Files.isRegularFile(archive)) {
        return new Plan(List.of("-XX:SharedArchiveFile=" + archive), archive, null);
      }
      Path written = dir.resolve(archive.getFileName() + "." + UUID.randomUUID() + ".tmp");
      return new Plan(List.of("-XX:ArchiveClassesAtExit=" + written), archive, written);
    } catch (IOException | RuntimeException e) {
      log.debug("Starting {} without class-data sharing: {}", program, e.toString());
      return Plan.NONE;
    }
  }

  /**
   * Archives written by JVMs whose starter did not see them exit ({@code bin/junction up
   * --processes} exits first): a JVM writes its archive as it exits, so one untouched for a while
   * is complete (or, if its JVM was killed while writing, unusable, which the next JVM notices and
   * runs without).
   */
  private static void publishAbandoned(Path dir, Path archive) throws IOException {
    String prefix = archive.getFileName() + ".";
    long settled = System.currentTimeMillis() - 120_000;
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.startsWith(prefix)
            && name.endsWith(".tmp")
            && Files.getLastModifiedTime(file).toMillis() < settled) {
          publish(file, archive);
        }
      }
    }
  }

  private static void discard(Path written) {
    try {
      Files.deleteIfExists(written);
    } catch (IOException e) {
      log.debug("Could not remove {}: {}", written, e.toString());
    }
  }

  /** Renames a written archive into place, unless one is already there. */
  private static void publish(Path written, Path archive) {
    try {
      if (Files.isRegularFile(written) && Files.size(written) > 0 && !Files.exists(archive)) {
        Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE);
        log.debug("Class-data archive {} written", archive);
        removeOthers(archive);
      }
    } catch (IOException e) {
      log.debug("No class-data archive from {}: {}", written, e.toString());
    } finally {
      try {
        Files.deleteIfExists(written);
      } catch (IOException e) {
        log.debug("Could not remove {}: {}", written, e.toString());
      }
    }
  }

  /** The program's archives for other jars or JDKs: each is tens of MB. */
  private static void removeOthers(Path archive) throws IOException {
    String name = archive.getFileName().toString();
    String program = name.substring(0, name.lastIndexOf('-') + 1);
    try (var files = Files.list(archive.getParent())) {
      for (Path file : files.toList()) {
        String other = file.getFileName().toString();
        if (other.startsWith(program)
            && other.endsWith(".jsa")
            && !other.equals(name)
            && other.substring(program.length()).indexOf('-') < 0) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** The jars of a folder, in the order a {@code dir/*} class path lists them. */
  public static List<Path> jarsIn(Path dir) {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      return List.of(dir);
    }
  }

  private static String key(List<Path> jars) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(ChildProcess.javaBinary().getBytes(StandardCharsets.UTF_8));
      digest.update(Runtime.version().toString().getBytes(StandardCharsets.UTF_8));
      for (Path jar : jars) {
        String entry =
            jar.toAbsolutePath()
                + "|"
                + Files.size(jar)
                + "|"
                + Files.getLastModifiedTime(jar).toMillis()
                + "\n";
        digest.update(entry.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
