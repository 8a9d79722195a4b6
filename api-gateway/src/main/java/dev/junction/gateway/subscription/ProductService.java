package dev.junction.gateway.subscription;

import dev.junction.gateway.catalog.ApiCatalogService;
import dev.junction.gateway.catalog.FolderScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Serves the current {@link Products} and reloads them when the products folder changes, like the
 * API catalog: at start-up an invalid file stops the gateway; later an invalid file is refused and
 * its previous version keeps serving. A product naming an API the catalog does not have is served
 * (the API may come with the next catalog change) and logged.
 */
public final class ProductService implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(ProductService.class);

  private final Path dir;
  private final ProductLoader loader = new ProductLoader();
  private final ApiCatalogService catalog;
  private final AtomicReference<Products> current = new AtomicReference<>(Products.empty());
  private final Map<Path, Product> loaded = new HashMap<>();
  private volatile Map<Path, Long> stamps = Map.of();
  private final FolderScanner scanner;

  /**
   * @param dir the products folder ({@code products/*.yaml})
   * @param catalog the API catalog, to warn about products naming unknown APIs
   */
  public ProductService(Path dir, Duration scanInterval, ApiCatalogService catalog) {
    this.dir = dir;
    this.scanner =
        new FolderScanner(
            "junction-products-scan", "the products folder", scanInterval, this::reloadIfChanged);
    this.catalog = catalog;
  }

  /** Loads every product; any invalid file fails with every problem named. */
  public synchronized Products loadInitial() {
    stamps = stamps();
    Map<Path, Product> products = new LinkedHashMap<>();
    for (Path file : stamps.keySet()) {
      products.put(file, loader.load(dir, file));
    }
    List<String> duplicates = duplicates(products);
    if (!duplicates.isEmpty()) {
      throw new ProductException(dir.toString(), duplicates);
    }
    publish(products);
    log.info("Products loaded from {}: {}", dir.toAbsolutePath(), names());
    return current.get();
  }

  public Products current() {
    return current.get();
  }

  /**
   * Reloads the products if a file was added, removed or changed since the last scan.
   *
   * @return whether new products are now served
   */
  public synchronized boolean reloadIfChanged() {
    Map<Path, Long> now = stamps();
    if (now.equals(stamps)) {
      return false;
    }
    stamps = now;
    Map<Path, Product> products = new LinkedHashMap<>();
    for (Path file : now.keySet()) {
      try {
        products.put(file, loader.load(dir, file));
      } catch (ProductException e) {
        Product previous = loaded.get(file);
        log.error(
            "{}; {}",
            e.getMessage(),
            previous == null ? "the file is not served" : "its previous version keeps serving");
        if (previous != null) {
          products.put(file, previous);
        }
      }
    }
    List<String> duplicates = duplicates(products);
    if (!duplicates.isEmpty()) {
      log.error("Products: {}; the previous products keep serving", duplicates);
      return false;
    }
    publish(products);
    log.info("Products reloaded: {}", names());
    return true;
  }

  private void publish(Map<Path, Product> products) {
    loaded.clear();
    loaded.putAll(products);
    current.set(new Products(List.copyOf(products.values())));
    for (Product product : products.values()) {
      for (Product.ApiRef api : product.apis()) {
        boolean known =
            catalog.current().apis().stream()
                .anyMatch(
                    a ->
                        a.name().equals(api.name())
                            && (api.version() == null || a.version().equals(api.version())));
        if (!known) {
          log.warn(
              "Product {} ({}) grants API {} {}, which the catalog does not serve (yet)",
              product.name(),
              product.source(),
              api.name(),
              api.version() == null ? "(every version)" : api.version());
        }
      }
    }
  }

  private static List<String> duplicates(Map<Path, Product> products) {
    Map<String, String> names = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (Product product : products.values()) {
      String other = names.putIfAbsent(product.name(), product.source());
      if (other != null) {
        problems.add(
            "product %s is defined in both %s and %s"
                .formatted(product.name(), other, product.source()));
      }
    }
    return problems;
  }

  private List<String> names() {
    return current.get().all().stream().map(Product::name).toList();
  }

  /** The YAML files of the folder with their modification time and size, in name order. */
  private Map<Path, Long> stamps() {
    if (!Files.isDirectory(dir)) {
      return Map.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      Map<Path, Long> result = new LinkedHashMap<>();
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList()) {
        result.put(file, Files.getLastModifiedTime(file).toMillis() * 31 + Files.size(file));
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the products folder " + dir.toAbsolutePath(), e);
    }
  }

  @Override
  public void start() {
    scanner.start();
  }

  @Override
  public void stop() {
    scanner.stop();
  }

  @Override
  public boolean isRunning() {
    return scanner.isRunning();
  }
}
