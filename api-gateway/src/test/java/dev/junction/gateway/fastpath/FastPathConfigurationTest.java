package dev.junction.gateway.fastpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

/** The fast path joins plain HTTP/1.1 connections only. */
class FastPathConfigurationTest {

  private static final String CODEC = NettyPipeline.HttpCodec;
  private static final String TRAFFIC = NettyPipeline.HttpTrafficHandler;
  private static final String BRIDGE = NettyPipeline.ReactiveBridge;

  private static boolean joins(String... handlers) {
    return FastPathConfiguration.plainHttp11(List.of(handlers));
  }

  @Test
  void joinsAPlainHttp11Connection() {
    assertThat(joins(CODEC, TRAFFIC, BRIDGE)).isTrue();
    assertThat(joins(NettyPipeline.SslHandler, CODEC, TRAFFIC, BRIDGE)).isTrue();
  }

  @Test
  void staysOutOfH2cUpgradesAndServerFeaturesItLacks() {
    assertThat(joins(CODEC, NettyPipeline.H2CUpgradeHandler, TRAFFIC, BRIDGE)).isFalse();
    assertThat(joins(CODEC, TRAFFIC, NettyPipeline.AccessLogHandler, BRIDGE)).isFalse();
    assertThat(joins(CODEC, TRAFFIC, NettyPipeline.CompressionHandler, BRIDGE)).isFalse();
    assertThat(joins(CODEC, TRAFFIC, NettyPipeline.HttpMetricsHandler, BRIDGE)).isFalse();
    assertThat(joins(NettyPipeline.ProxyProtocolReader, CODEC, TRAFFIC, BRIDGE)).isFalse();
    assertThat(joins(NettyPipeline.H2MultiplexHandler, BRIDGE)).isFalse();
  }
}
