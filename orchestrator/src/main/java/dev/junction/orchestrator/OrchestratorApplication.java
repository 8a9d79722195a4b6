package dev.junction.orchestrator;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The orchestrator service: runs workflows as sagas over Kafka and serves the runs API. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OrchestratorApplication {

  public static void main(String[] args) {
    SpringApplication.run(OrchestratorApplication.class, args);
  }
}
