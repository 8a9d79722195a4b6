package dev.junction.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.infra.InfraPaths;
import dev.junction.standalone.stack.EmbeddedStack;
import dev.junction.standalone.stack.StackSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The sample stack (KRaft broker and Apicurio as processes, the dev issuer, orchestrator,
 * http-connector, sample backend and two gateways, each its own JVM) shared by the test classes
 * that need nothing else: started by the first class that asks for it, stopped when the test run
 * ends, after checking that none of its processes outlives it. One start instead of one per class
 * saves about a minute on a two-core machine. Its users hold {@link #LOCK}: they run one after the
 * other, never beside each other.
 *
 * <p>The stack serves a copy of the sample catalog, workflows and products in {@link
 * #configHome()}: a test may change them, and must put them back as it found them.
 *
 * <p>A test class gets it as a parameter of its {@code @BeforeAll} method, with
 * {@code @ExtendWith(SampleStack.Resolver.class)}, {@code @ResourceLock(SampleStack.LOCK)} and
 * {@code @Order(SampleStack.ORDER)}. The integration tests run two classes at a time (the failsafe
 * configuration in this module's pom.xml); classes are handed out from both ends of their order
 * (junit-platform.properties orders them by that annotation), so the stack's users run first on one
 * thread while the classes with a stack of their own run on the other, the longest of those
 * ({@code @Order(1)} and {@code @Order(2)}) first.
 */
public final class SampleStack implements AutoCloseable {

  /** The class order of the stack's users: after every class without an order. */
  public static final int ORDER = Order.DEFAULT + 1000;

  /** The resource lock its users hold, one class at a time: they change its catalog. */
  public static final String LOCK = "dev.junction.standalone.SampleStack";

  private final StackSettings settings;
  private final Path configHome;
  private final EmbeddedStack stack;

  private SampleStack(StackSettings settings, Path configHome, EmbeddedStack stack) {
    this.settings = settings;
    this.configHome = configHome;
    this.stack = stack;
  }

  private static SampleStack start() {
    try {
      Path configHome = Files.createTempDirectory("junction-sample-stack-config-");
      copyTree(InfraPaths.home().resolve("apis"), configHome.resolve("apis"));
      copyTree(InfraPaths.home().resolve("workflows"), configHome.resolve("workflows"));
      copyTree(InfraPaths.home().resolve("products"), configHome.resolve("products"));
      StackSettings settings =
          StackSettings.ephemeral(InfraPaths.home(), "sample-stack", 2).withConfigHome(configHome);
      return new SampleStack(settings, configHome, EmbeddedStack.start(settings));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public StackSettings settings() {
    return settings;
  }

  /** Where the stack reads its catalog ({@code apis/}) and workflows ({@code workflows/}). */
  public Path configHome() {
    return configHome;
  }

  public EmbeddedStack stack() {
    return stack;
  }

  /** Stops the stack; fails when one of its processes is still alive afterwards. */
  @Override
  public void close() {
    List<Long> pids = stack.childPids();
    stack.close();
    assertThat(pids).isNotEmpty();
    assertThat(pids)
        .allSatisfy(
            pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
  }

  /** Copies a folder tree. */
  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path out = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(out);
        } else {
          Files.copy(path, out);
        }
      }
    }
  }

  /**
   * Hands the shared {@link SampleStack} to lifecycle methods, starting it on first use. It lives
   * in the root store of the test run, which closes it when the run ends.
   */
  public static final class Resolver implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(SampleStack.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == SampleStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context
          .getRoot()
          .getStore(NAMESPACE)
          .computeIfAbsent(SampleStack.class, key -> start(), SampleStack.class);
    }
  }
}
