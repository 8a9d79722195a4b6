package dev.junction.connector.kafka;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Junction's Kafka connector: publishes records to configured topics for workflow steps. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KafkaConnectorApplication {

  public static void main(String[] args) {
    SpringApplication.run(KafkaConnectorApplication.class, args);
  }
}
