package dev.junction.gateway.reply;

import dev.junction.wire.WorkflowReply;

/** How a request-reply exchange with the orchestrator ended, before it becomes HTTP. */
public sealed interface ReplyResult {

  /** The workflow replied before the deadline. */
  record Replied(WorkflowReply reply) implements ReplyResult {}

  /** The request was sent but the deadline passed first; the run goes on. */
  record TimedOut() implements ReplyResult {}

  /** The client asked not to wait ({@code Prefer: respond-async}); the request was sent. */
  record Async() implements ReplyResult {}

  /** Too many requests await replies; nothing was sent. */
  record Shed() implements ReplyResult {}
}
