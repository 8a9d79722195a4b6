package dev.junction.orchestrator.run;

import dev.junction.wire.RunState;
import java.util.List;

/**
 * The result of handling one message: the run's new state and the messages to send.
 *
 * @param state the new state, or {@code null} when the message changed nothing (a duplicate or a
 *     stale reply); then {@code effects} is empty
 * @param effects messages to send, in order
 */
public record Transition(RunState state, List<Effect> effects) {

  private static final Transition UNCHANGED = new Transition(null, List.of());

  public Transition {
    effects = List.copyOf(effects);
  }

  /** Nothing to store, nothing to send. */
  public static Transition unchanged() {
    return UNCHANGED;
  }

  /** Whether there is a new state to store. */
  public boolean changed() {
    return state != null;
  }
}
