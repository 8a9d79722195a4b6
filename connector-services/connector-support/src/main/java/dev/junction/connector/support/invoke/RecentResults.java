package dev.junction.connector.support.invoke;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recent completions by idempotency key. Commands are delivered at least once (a rebalance
 * or a failed reply send redelivers them); answering a redelivered command from here keeps the
 * backend from seeing the side effect twice from this instance. Across instances or restarts the
 * {@code Idempotency-Key} header is the backend's means to the same end.
 *
 * <p>Bounded twice: by entries and by the characters of the outputs held, since one output may be
 * up to 1 MiB.
 */
final class RecentResults {

  private final int capacity;
  private final long maxChars;
  private final Map<String, Completion> completions = new LinkedHashMap<>();
  private long chars;

  RecentResults(int capacity, long maxChars) {
    this.capacity = capacity;
    this.maxChars = maxChars;
  }

  synchronized Completion get(String idempotencyKey) {
    return completions.get(idempotencyKey);
  }

  synchronized void put(String idempotencyKey, Completion completion) {
    long size = size(completion);
    if (size > maxChars) {
      return; // would evict everything else; such a command is simply not deduplicated here
    }
    Completion previous = completions.put(idempotencyKey, completion);
    chars += size - (previous == null ? 0 : size(previous));
    Iterator<Completion> eldest = completions.values().iterator();
    while (completions.size() > capacity || chars > maxChars) {
      chars -= size(eldest.next());
      eldest.remove();
    }
  }

  synchronized int size() {
    return completions.size();
  }

  private static long size(Completion completion) {
    String output = completion.result().output();
    String error = completion.result().error();
    return (output == null ? 0 : output.length()) + (error == null ? 0 : error.length());
  }
}
