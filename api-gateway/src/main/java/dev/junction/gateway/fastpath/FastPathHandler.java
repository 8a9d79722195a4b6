package dev.junction.gateway.fastpath;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits on each HTTP/1.1 connection between Reactor Netty's codec and its request handling. A call
 * the {@link FastPath} admits is answered here ({@link FastExchange}); every other call goes on to
 * Reactor Netty, Spring Security and Spring Cloud Gateway untouched. One call is in progress per
 * connection at a time: what the client sends meanwhile (pipelined calls) waits here, reading
 * paused, until the answer in progress is written, so answers leave in the order of the calls
 * whichever path serves them.
 */
final class FastPathHandler extends ChannelDuplexHandler {

  private static final Logger log = LoggerFactory.getLogger(FastPathHandler.class);

  private enum InProgress {
    NONE,
    FULL_PATH,
    FAST_PATH
  }

  private final FastPath fastPath;
  private final FastProxy proxy;
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private InProgress inProgress = InProgress.NONE;

  /** The full path's request body is still passing through. */
  private boolean fullPathBody;

  /** The fast path's request (without a body) is still to be read to its end. */
  private boolean fastPathRequestEnd;

  private FastExchange exchange;

  FastPathHandler(FastPath fastPath, FastProxy proxy) {
    this.fastPath = fastPath;
    this.proxy = proxy;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (fullPathBody) {
      fullPathBody = !(msg instanceof LastHttpContent);
      ctx.fireChannelRead(msg);
      return;
    }
    if (fastPathRequestEnd && msg instanceof HttpContent content) {
      fastPathRequestEnd = !(content instanceof LastHttpContent);
      content.release();
      return;
    }
    if (inProgress != InProgress.NONE) {
      waiting.add(msg);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    if (!(msg instanceof HttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    FastPath.Admitted admitted;
    try {
      admitted = fastPath.admit(request, ctx.channel().remoteAddress());
    } catch (RuntimeException unexpected) {
      // a call the fast path cannot judge is the full path's to answer
      log.warn(
          "fast path: {} {} left to the full path", request.method(), request.uri(), unexpected);
      admitted = null;
    }
    if (admitted == null) {
      inProgress = InProgress.FULL_PATH;
      fullPathBody = !(msg instanceof LastHttpContent);
      ctx.fireChannelRead(msg);
      return;
    }
    inProgress = InProgress.FAST_PATH;
    fastPathRequestEnd = !(msg instanceof LastHttpContent);
    ReferenceCountUtil.release(msg);
    exchange = proxy.start(ctx, request, admitted, this::fastPathAnswered);
  }

  /** Answers written by the full path pass here on their way to the codec. */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean last =
        msg instanceof LastHttpContent
            && !(msg instanceof HttpResponse response
                && response.status().codeClass()
                    == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL);
    ctx.write(msg, promise);
    if (last && inProgress == InProgress.FULL_PATH) {
      next(ctx);
    }
  }

  private void fastPathAnswered(ChannelHandlerContext ctx) {
    exchange = null;
    if (inProgress == InProgress.FAST_PATH) {
      next(ctx);
    }
  }

  /** The call in progress is answered: the next waiting one, if any, goes on. */
  private void next(ChannelHandlerContext ctx) {
    inProgress = InProgress.NONE;
    while (inProgress == InProgress.NONE && !waiting.isEmpty() && ctx.channel().isActive()) {
      channelRead(ctx, waiting.poll());
    }
    // reading goes on, whoever paused it: this handler for the calls that waited, or Reactor
    // Netty during its own last call (it resumes only after calls it answered itself)
    if (inProgress == InProgress.NONE
        && waiting.isEmpty()
        && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (exchange != null) {
      exchange.clientGone();
      exchange = null;
    }
    Object msg;
    while ((msg = waiting.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (exchange != null) {
      exchange.clientWritable(ctx.channel().isWritable());
    }
    super.channelWritabilityChanged(ctx);
  }
}
