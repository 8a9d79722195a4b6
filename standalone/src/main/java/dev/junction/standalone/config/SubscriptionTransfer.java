package dev.junction.standalone.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where subscriptions join an export and an import. Products are config files ({@code products/},
 * exported like the catalog); subscriptions are runtime data the gateway holds (subscribers and
 * their hashed keys), so they travel through the gateway's admin API ({@link GatewaySubscriptions})
 * into {@value #FILE} of the export.
 */
interface SubscriptionTransfer {

  /** The export's subscriptions: the gateway's export document, without its time stamp. */
  String FILE = "subscriptions/subscriptions.json";

  /** An export's folder of subscriptions, removed before an export is written again. */
  String FOLDER = "subscriptions";

  /** Subscriptions left out of exports and imports, saying why. */
  static SubscriptionTransfer leftOut(String why) {
    return new SubscriptionTransfer() {
      @Override
      public Snapshot read() {
        return new Snapshot(null, 0, "subscriptions: " + why);
      }

      @Override
      public ImportPlan.Section plan(Path dir, List<String> problems) {
        return ImportPlan.Section.notIncluded(FOLDER, why);
      }

      @Override
      public int apply(Path dir) {
        return 0;
      }
    };
  }

  /**
   * Reads the source's subscriptions; called before the export writes anything, so an unreachable
   * gateway leaves the export folder as it was.
   */
  Snapshot read();

  /**
   * What importing the export's subscriptions would change in the target; adds to {@code problems}
   * what stops the import. Changes nothing.
   */
  ImportPlan.Section plan(Path dir, List<String> problems);

  /**
   * Imports the export's subscriptions into the target, when the export holds them.
   *
   * @return how many subscriptions were written
   */
  int apply(Path dir);

  /**
   * The subscriptions an export holds.
   *
   * @param json the document to write as {@value #FILE}, or {@code null} when left out
   * @param count how many subscriptions it holds
   * @param notIncluded why they are left out, for the manifest; empty when they are not
   */
  record Snapshot(String json, int count, String notIncluded) {

    void write(Path dir) {
      if (json == null) {
        return;
      }
      Path file = dir.resolve(FILE);
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, json, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
      }
    }

    /** The notes of an export: nothing when the subscriptions are included. */
    List<String> notes() {
      return notIncluded.isEmpty() ? List.of() : List.of(notIncluded);
    }
  }
}
