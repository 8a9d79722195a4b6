package dev.junction.gateway.fastpath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

/** The fast path joins plain HTTP/1.1 connections only. */
class FastPathConfigurationTest {

  private static final String BRIDGE = NettyPipeline.ReactiveBridge;

  @Test
  void joinsAPlainHttp11Connection() {
    assertThat(
            FastPathConfiguration.plainHttp11(
                List.of(NettyPipeline.HttpCodec, NettyPipeline.HttpTrafficHandler, BRIDGE)))
        .isTrue();
    assertThat(
            FastPathConfiguration.plainHttp11(
                List.of(
                    NettyPipeline.SslHandler,
                    NettyPipeline.HttpCodec,
                    NettyPipeline.HttpTrafficHandler,
                    BRIDGE)))
        .isTrue();
  }

  @Test
  void staysOutOfH2cUpgradesAndServerFeaturesItLacks() {
    assertThat(
            FastPathConfiguration.plainHttp11(
                List.of(
                    NettyPipeline.HttpCodec,
                    NettyPipeline.H2CUpgradeHandler,
                    NettyPipeline.HttpTrafficHandler,
                    BRIDGE)))
        .isFalse();
    assertThat(
            FastPathConfiguration.plainHttp11(
                List.of(
                    NettyPipeline.HttpCodec,
                    NettyPipeline.HttpTrafficHandler,
                    NettyPipeline.AccessLogHandler,
                    BRIDGE)))
        .isFalse();
    assertThat(
            FastPathConfiguration.plainHttp11(
                List.of(
                    NettyPipeline.HttpCodec,
                    NettyPipeline.HttpTrafficHandler,
                    NettyPipeline.CompressionHandler,
                    BRIDGE)))
        .isFalse();
    assertThat(FastPathConfiguration.plainHttp11(List.of(NettyPipeline.H2MultiplexHandler, BRIDGE)))
        .isFalse();
  }
}
