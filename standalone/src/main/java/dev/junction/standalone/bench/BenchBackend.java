package dev.junction.standalone.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pass-through benchmark's backend: answers every request with {@code 200} and a small JSON
 * body, on one Netty event loop thread, keeping connections alive. It does as little as an HTTP
 * server can, so that the difference between calling it through the gateway and calling it directly
 * is the gateway's. Run as a JVM of its own ({@code bench-backend PORT}), so its CPU time is
 * neither the gateway's nor the load generator's.
 */
final class BenchBackend implements AutoCloseable {

  static final String READY = "bench backend ready on port ";
  private static final Pattern READY_LINE = Pattern.compile(Pattern.quote(READY) + "(\\d+)");
  private static final ByteBuf BODY =
      Unpooled.unreleasableBuffer(
          Unpooled.wrappedBuffer(
              "{\"message\":\"hello from the bench backend\"}".getBytes(StandardCharsets.UTF_8)));

  private final EventLoopGroup group;
  private final Channel server;

  private BenchBackend(EventLoopGroup group, Channel server) {
    this.group = group;
    this.server = server;
  }

  /** Listens on {@code address}:{@code port} (0 for any free port). */
  static BenchBackend start(InetAddress address, int port) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                      channel.pipeline().addLast(new HttpServerCodec(), new Answer());
                    }
                  })
              .bind(new InetSocketAddress(address, port))
              .sync()
              .channel();
      return new BenchBackend(group, server);
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully();
      throw e;
    }
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** The port in the backend's {@link #READY} line, from its output. */
  static int port(String output) {
    Matcher ready = READY_LINE.matcher(output);
    if (!ready.find()) {
      throw new IllegalStateException("the bench backend did not say its port: " + output);
    }
    return Integer.parseInt(ready.group(1));
  }

  /** Waits until the server is closed (the process is killed). */
  void join() throws InterruptedException {
    server.closeFuture().sync();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Answers each request once its last content arrived; the request body is ignored. */
  private static final class Answer extends SimpleChannelInboundHandler<HttpObject> {
    private boolean keepAlive = true;

    @Override
    protected void channelRead0(ChannelHandlerContext context, HttpObject message) {
      if (message instanceof HttpRequest request) {
        keepAlive = HttpUtil.isKeepAlive(request);
      }
      if (message instanceof LastHttpContent) {
        FullHttpResponse response =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, BODY.duplicate());
        response
            .headers()
            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.readableBytes());
        if (keepAlive) {
          context.writeAndFlush(response);
        } else {
          response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      context.close(); // a broken connection ends; the client counts the failed call
    }
  }
}
