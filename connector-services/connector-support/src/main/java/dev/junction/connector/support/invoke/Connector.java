package dev.junction.connector.support.invoke;

import java.time.Duration;
import java.util.Set;

/**
 * What a connector service implements: its named connections, its operations and how it performs
 * one invocation. Everything around it (reading commands, duplicates, deadlines, metrics, replies,
 * dead letters) is the {@link Invoker}'s and the Kafka plumbing's job.
 */
public interface Connector {

  /** Names of the configured connections; a command naming another one is a fatal error. */
  Set<String> connections();

  /** Names of the operations a command may ask for; any other one is a fatal error. */
  Set<String> operations();

  /**
   * Performs one invocation and classifies how it ended. Called only for a configured connection
   * and a known operation, before the command's deadline.
   *
   * @param invocation the command
   * @param timeLeft time until the command's deadline ({@link Invocation#NO_DEADLINE} when it has
   *     none); a call should not outlast it
   * @return the result; a backend failure is a result, not an exception
   * @throws InterruptedException when the thread is interrupted (the service is stopping); the
   *     command is then left for redelivery rather than answered
   */
  CallResult perform(Invocation invocation, Duration timeLeft) throws InterruptedException;
}
