package dev.junction.standalone.portal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's Chromium driven through Debian's chromedriver, headless, with a fresh profile; plus the
 * two things every portal test does with it: screenshots into {@code target/portal-screenshots} and
 * an axe-core accessibility check of the current page.
 */
final class HeadlessChromium implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "portal-screenshots");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  final ChromeDriver driver;
  private final Path profile;
  private final String axe;

  private HeadlessChromium(ChromeDriver driver, Path profile, String axe) {
    this.driver = driver;
    this.profile = profile;
    this.axe = axe;
  }

  /** Starts the browser; fails, naming the fix, when Chromium or its driver is not installed. */
  static HeadlessChromium start() throws IOException {
    for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(
            binary
                + " is missing: the developer portal's browser tests need Debian's Chromium "
                + "(apt-get install -y chromium chromium-driver; .ci/run installs them)");
      }
    }
    Path profile = Files.createTempDirectory("junction-portal-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    String axe;
    try (InputStream in = HeadlessChromium.class.getResourceAsStream("/axe/axe.min.js")) {
      if (in == null) {
        driver.quit();
        throw new IllegalStateException("axe/axe.min.js is missing from the test resources");
      }
      axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Files.createDirectories(SCREENSHOTS);
    return new HeadlessChromium(driver, profile, axe);
  }

  /** Saves a PNG of the viewport as {@code target/portal-screenshots/NAME.png}. */
  Path screenshot(String name) {
    try {
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(
          driver.getScreenshotAs(OutputType.FILE).toPath(),
          target,
          StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs axe-core on the current page (WCAG 2.x A and AA rules and best practices) and returns the
   * violations whose impact is {@code serious} or {@code critical}, each as "rule: help (targets)".
   */
  List<String> seriousAccessibilityViolations() {
    JavascriptExecutor js = driver;
    if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object'"))) {
      js.executeScript(axe);
    }
    Object answer =
        js.executeAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
              .then(r => done(JSON.stringify(r.violations)))
              .catch(e => done('ERROR ' + e));
            """);
    String text = String.valueOf(answer);
    if (text.startsWith("ERROR")) {
      throw new IllegalStateException("axe-core failed on " + driver.getCurrentUrl() + ": " + text);
    }
    List<String> serious = new ArrayList<>();
    for (JsonNode violation : JSON.readTree(text)) {
      String impact = violation.path("impact").asString("");
      if (impact.equals("serious") || impact.equals("critical")) {
        List<String> targets = new ArrayList<>();
        violation.path("nodes").forEach(node -> targets.add(node.path("target").toString()));
        serious.add(
            violation.path("id").asString()
                + " ("
                + impact
                + "): "
                + violation.path("help").asString()
                + " "
                + targets);
      }
    }
    return serious;
  }

  @Override
  public void close() throws IOException {
    driver.quit();
    try (var paths = Files.walk(profile)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
