package dev.junction.connector.http.call;

import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to a limit and fails with {@link ResponseTooLargeException} beyond
 * it, cancelling the download, so a huge or endless response cannot exhaust the connector's memory.
 */
final class LimitedBodySubscriber implements BodySubscriber<byte[]> {

  private final long limit;
  private final boolean declaredTooLarge;
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private final List<ByteBuffer> received = new ArrayList<>();
  private long size;
  private Flow.Subscription subscription;

  private LimitedBodySubscriber(long limit, boolean declaredTooLarge) {
    this.limit = limit;
    this.declaredTooLarge = declaredTooLarge;
  }

  /** A handler that refuses early when {@code Content-Length} already exceeds the limit. */
  static BodyHandler<byte[]> handler(long limit) {
    return info ->
        new LimitedBodySubscriber(
            limit, info.headers().firstValueAsLong("content-length").orElse(0) > limit);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (declaredTooLarge) {
      tooLarge();
    } else {
      subscription.request(Long.MAX_VALUE);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (body.isDone()) {
      return;
    }
    for (ByteBuffer buffer : buffers) {
      size += buffer.remaining();
      if (size > limit) {
        tooLarge();
        return;
      }
      received.add(buffer);
    }
  }

  @Override
  public void onError(Throwable failure) {
    body.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    if (body.isDone()) {
      return;
    }
    byte[] bytes = new byte[(int) size];
    int offset = 0;
    for (ByteBuffer buffer : received) {
      int length = buffer.remaining();
      buffer.get(bytes, offset, length);
      offset += length;
    }
    received.clear();
    body.complete(bytes);
  }

  private void tooLarge() {
    received.clear();
    subscription.cancel();
    body.completeExceptionally(new ResponseTooLargeException(limit));
  }
}
