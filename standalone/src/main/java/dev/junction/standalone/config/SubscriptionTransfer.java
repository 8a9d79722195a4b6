package dev.junction.standalone.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Where subscriptions join an export and an import. Products are config files ({@code products/},
 * exported like the catalog); subscriptions are runtime data the gateway holds (subscribers and
 * their hashed keys), so they travel through the gateway's admin API instead of a folder.
 *
 * <p>TODO(#8): implement over the gateway's admin export/import endpoint once it exists: {@link
 * #export} writes {@code subscriptions/} into the export (hashed keys only, never a key in clear),
 * {@link #plan} diffs it against the target gateway, {@link #apply} posts it. Until then {@link
 * #NOT_AVAILABLE} exports nothing and says so.
 */
interface SubscriptionTransfer {

  /** Subscriptions are left out, and every export says so in its manifest. */
  SubscriptionTransfer NOT_AVAILABLE =
      new SubscriptionTransfer() {
        private static final String WHY =
            "not exported yet (they are the gateway's runtime data; its admin export endpoint is"
                + " still to come, issue #8)";

        @Override
        public String notIncluded() {
          return "subscriptions: " + WHY;
        }

        @Override
        public void export(Path dir) {
          // nothing to write until the gateway serves its subscriptions
        }

        @Override
        public ImportPlan.Section plan(Path dir) {
          return ImportPlan.Section.notIncluded("subscriptions", WHY);
        }

        @Override
        public void apply(Path dir) {
          // nothing was planned
        }
      };

  /** What an export of this transfer leaves out, for the manifest; empty when nothing. */
  String notIncluded();

  /** Writes the source gateway's subscriptions into the export folder. */
  void export(Path dir);

  /** What importing the export's subscriptions would change in the target gateway. */
  ImportPlan.Section plan(Path dir);

  /** Imports the export's subscriptions into the target gateway. */
  void apply(Path dir);

  /** The notes of an export: nothing when everything is included. */
  default List<String> notes() {
    String note = notIncluded();
    return note.isEmpty() ? List.of() : List.of(note);
  }
}
