package dev.junction.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive lifecycle, with real JVMs ({@code java -version}, a fraction of a second each). */
class ClassDataSharingTest {

  @TempDir Path cache;
  @TempDir Path jars;

  @Test
  void theFirstStartWritesTheArchiveAndTheNextMapsIt() throws Exception {
    Path jar = Files.writeString(jars.resolve("app.jar"), "v1");

    ClassDataSharing.Plan first = ClassDataSharing.plan(cache, "app", List.of(jar));
    assertThat(first.jvmOptions())
        .singleElement()
        .asString()
        .startsWith("-XX:ArchiveClassesAtExit=");
    assertThat(javaVersion(first)).isZero();
    first.exited(0);

    assertThat(first.archive()).isRegularFile();
    assertThat(cache).isDirectoryNotContaining("glob:**.tmp");
    ClassDataSharing.Plan second = ClassDataSharing.plan(cache, "app", List.of(jar));
    assertThat(second.jvmOptions()).containsExactly("-XX:SharedArchiveFile=" + first.archive());
    assertThat(javaVersion(second)).isZero();
    second.exited(0);
    assertThat(first.archive()).isRegularFile();
  }

  @Test
  void aChangedJarGetsItsOwnArchiveWhichReplacesTheOld() throws Exception {
    Path jar = Files.writeString(jars.resolve("app.jar"), "v1");
    ClassDataSharing.Plan old = ClassDataSharing.plan(cache, "app", List.of(jar));
    old.exited(javaVersion(old));
    ClassDataSharing.Plan other = ClassDataSharing.plan(cache, "other", List.of(jar));
    other.exited(javaVersion(other));

    Files.writeString(jar, "version two");
    ClassDataSharing.Plan changed = ClassDataSharing.plan(cache, "app", List.of(jar));
    assertThat(changed.archive()).isNotEqualTo(old.archive());
    assertThat(changed.jvmOptions().getFirst()).startsWith("-XX:ArchiveClassesAtExit=");
    changed.exited(javaVersion(changed));

    assertThat(changed.archive()).isRegularFile();
    assertThat(old.archive()).doesNotExist();
    assertThat(other.archive()).as("another program's archive").isRegularFile();
  }

  @Test
  void aStartKilledBeforeWritingLeavesNoArchive() throws IOException {
    Path jar = Files.writeString(jars.resolve("app.jar"), "v1");
    ClassDataSharing.Plan plan = ClassDataSharing.plan(cache, "app", List.of(jar));

    plan.exited(137); // killed with SIGKILL before it wrote anything

    assertThat(plan.archive()).doesNotExist();
    assertThat(ClassDataSharing.plan(cache, "app", List.of(jar)).jvmOptions().getFirst())
        .startsWith("-XX:ArchiveClassesAtExit=");
  }

  @Test
  void aStartKilledWhileWritingLeavesNoArchive() throws IOException {
    Path jar = Files.writeString(jars.resolve("app.jar"), "v1");
    ClassDataSharing.Plan plan = ClassDataSharing.plan(cache, "app", List.of(jar));
    writeArchiveStart(plan); // what a JVM killed in the middle of writing leaves

    plan.exited(137);

    assertThat(plan.archive()).doesNotExist();
    assertThat(plan.written()).doesNotExist();
    assertThat(ClassDataSharing.plan(cache, "app", List.of(jar)).jvmOptions().getFirst())
        .startsWith("-XX:ArchiveClassesAtExit=");
  }

  @Test
  void aStartStoppedWithSigtermPublishesItsArchive() throws IOException {
    Path jar = Files.writeString(jars.resolve("app.jar"), "v1");
    ClassDataSharing.Plan plan = ClassDataSharing.plan(cache, "app", List.of(jar));
    writeArchiveStart(plan); // a JVM ended by SIGTERM writes its archive as it exits

    plan.exited(143);

    assertThat(plan.archive()).isRegularFile();
    assertThat(plan.written()).doesNotExist();
  }

  /** The start of an archive where the plan's JVM writes one: its header's magic, then bytes. */
  private static void writeArchiveStart(ClassDataSharing.Plan plan) throws IOException {
    Files.write(plan.written(), new byte[] {(byte) 0xa8, (byte) 0xab, 0x0b, (byte) 0xf0, 1, 2, 3});
  }

  private static int javaVersion(ClassDataSharing.Plan plan) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.javaBinary());
    command.addAll(plan.jvmOptions());
    command.add("-version");
    Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
    jvm.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return jvm.exitValue();
  }
}
