package dev.junction.standalone.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A closed-loop HTTP/1.1 load generator: {@code concurrency} keep-alive connections, each sending
 * the same {@code GET} again as soon as the previous answer is complete. All connections share one
 * Netty event loop thread, so the generator costs a few microseconds of CPU per call and leaves the
 * machine's cores to the gateway and the backend (a thread per connection and the JDK's client cost
 * several times more per call, on the same two cores). A call counts as done when the last byte of
 * its answer arrived; an answer with another status than {@code expectedStatus} counts as an error.
 */
final class HttpLoad implements AutoCloseable {

  private static final Duration FINISH_GRACE = Duration.ofSeconds(30);
  private static final Duration RECONNECT_DELAY = Duration.ofMillis(100);

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final URI uri;
  private final HttpHeaders headers = new DefaultHttpHeaders();
  private final int expectedStatus;

  /**
   * @param uri an {@code http} URI, the target of every call
   * @param headers sent with every call (besides {@code Host})
   * @param expectedStatus the status of a successful call
   */
  HttpLoad(URI uri, Map<String, String> headers, int expectedStatus) {
    this.uri = uri;
    this.expectedStatus = expectedStatus;
    this.headers.set(HttpHeaderNames.HOST, uri.getHost() + ":" + uri.getPort());
    headers.forEach(this.headers::set);
  }

  /** Runs {@code concurrency} connections until {@code length} has passed. */
  void run(int concurrency, Duration length, LatencyRecorder recorder) throws InterruptedException {
    long end = System.nanoTime() + length.toNanos();
    CountDownLatch finished = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      new Connection(i, end, recorder, finished).open();
    }
    if (!finished.await(length.plus(FINISH_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "calls to " + uri + " were still unanswered " + FINISH_GRACE + " after the run");
    }
  }

  private String target() {
    return uri.getRawQuery() == null
        ? uri.getRawPath()
        : uri.getRawPath() + "?" + uri.getRawQuery();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One connection's closed loop; every method runs on the event loop thread. */
  private final class Connection extends SimpleChannelInboundHandler<HttpObject> {
    private final int worker;
    private final long end;
    private final LatencyRecorder recorder;
    private final CountDownLatch finished;
    private final String target = target();
    private boolean done;
    private boolean inFlight;
    private long started;
    private int status;
    private boolean keepAlive;

    Connection(int worker, long end, LatencyRecorder recorder, CountDownLatch finished) {
      this.worker = worker;
      this.end = end;
      this.recorder = recorder;
      this.finished = finished;
    }

    void open() {
      new Bootstrap()
          .group(group)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(
              new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                  channel.pipeline().addLast(new HttpClientCodec(), Connection.this);
                }
              })
          .connect(uri.getHost(), uri.getPort())
          .addListener(
              connected -> {
                if (connected.isSuccess()) {
                  return; // channelActive sends the first call
                }
                recorder.error();
                if (System.nanoTime() < end) { // e.g. the gateway restarting: try again shortly
                  group.schedule(this::open, RECONNECT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                } else {
                  finish();
                }
              });
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
      send(context.channel());
    }

    private void send(Channel channel) {
      if (System.nanoTime() >= end) {
        channel.close();
        finish();
        return;
      }
      inFlight = true;
      started = System.nanoTime();
      channel.writeAndFlush(
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1,
              HttpMethod.GET,
              target,
              Unpooled.EMPTY_BUFFER,
              headers,
              EmptyHttpHeaders.INSTANCE));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, HttpObject message) {
      if (message instanceof HttpResponse response) {
        status = response.status().code();
        keepAlive = HttpUtil.isKeepAlive(response);
      }
      if (message instanceof LastHttpContent) {
        inFlight = false;
        if (status == expectedStatus) {
          recorder.record(worker, System.nanoTime() - started);
        } else {
          recorder.error();
        }
        if (keepAlive) {
          send(context.channel());
        } else {
          context.channel().close(); // channelInactive opens the next connection
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
      if (done) {
        return;
      }
      if (inFlight) {
        inFlight = false;
        recorder.error();
      }
      if (System.nanoTime() < end) {
        open();
      } else {
        finish();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      context.close(); // counted in channelInactive
    }

    private void finish() {
      if (!done) {
        done = true;
        finished.countDown();
      }
    }

    @Override
    public boolean isSharable() {
      return true; // reused by the connection opened after a close
    }
  }
}
