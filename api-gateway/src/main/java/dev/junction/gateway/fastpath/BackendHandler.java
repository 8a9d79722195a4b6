package dev.junction.gateway.fastpath;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/** The end of a backend connection: hands what the backend sends to the call using it. */
final class BackendHandler extends ChannelInboundHandlerAdapter {

  private final FastProxy proxy;
  private FastExchange exchange;

  BackendHandler(FastProxy proxy) {
    this.proxy = proxy;
  }

  void bind(FastExchange exchange) {
    this.exchange = exchange;
  }

  void unbind() {
    this.exchange = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    FastExchange current = exchange;
    if (current == null) {
      // nothing was asked: a backend talking out of turn is not reused
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (msg instanceof HttpResponse response) {
      current.head(response);
    }
    if (msg instanceof HttpContent content) {
      current.content(content);
    } else if (!(msg instanceof HttpResponse)) {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    FastExchange current = exchange;
    if (current != null) {
      current.readComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    FastExchange current = exchange;
    exchange = null;
    if (current != null) {
      current.backendClosed(null);
    } else {
      proxy.closedWhileIdle(ctx.channel());
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    FastExchange current = exchange;
    exchange = null;
    ctx.close();
    if (current != null) {
      current.backendClosed(cause);
    }
  }
}
