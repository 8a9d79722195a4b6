package dev.junction.gateway.web;

import dev.junction.gateway.problem.ProblemExceptionHandler;
import dev.junction.gateway.problem.ProblemWriter;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.json.JsonMapper;

/** Cross-cutting web pieces: run ids, problem rendering, the clock. */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration {

  @Bean
  RunIdWebFilter runIdWebFilter() {
    return new RunIdWebFilter();
  }

  @Bean
  ProblemWriter problemWriter(JsonMapper json) {
    return new ProblemWriter(json);
  }

  /** Ahead of Boot's and Spring's own handlers, so every error becomes a problem document. */
  @Bean
  @Order(-2)
  ProblemExceptionHandler problemExceptionHandler(ProblemWriter problems) {
    return new ProblemExceptionHandler(problems);
  }

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
