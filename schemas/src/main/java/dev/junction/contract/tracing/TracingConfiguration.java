package dev.junction.contract.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.micrometer.tracing.autoconfigure.TracingProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The tracing of a Junction service, to {@code @Import}: {@link KafkaTracing} over Boot's tracer
 * and propagator, and the sampler that records spans only when an exporter sends them somewhere
 * ({@link TraceSampling}); Boot's own sampler then steps aside.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfiguration {

  @Bean
  Sampler junctionSampler(ObjectProvider<SpanExporter> exporters, TracingProperties tracing) {
    return TraceSampling.sampler(
        exporters.stream().findAny().isPresent(), tracing.getSampling().getProbability());
  }

  @Bean
  KafkaTracing kafkaTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
    return KafkaTracing.of(tracer.getIfAvailable(), propagator.getIfAvailable());
  }
}
