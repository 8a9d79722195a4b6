package dev.junction.orchestrator.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/** Wires the runs API's helpers. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

  @Bean
  RunForwarder runForwarder() {
    return new RunForwarder(WebClient.create());
  }
}
