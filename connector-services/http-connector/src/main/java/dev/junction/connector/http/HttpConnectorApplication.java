package dev.junction.connector.http;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Junction's HTTP connector: performs HTTP calls to configured backends for workflow steps. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HttpConnectorApplication {

  public static void main(String[] args) {
    SpringApplication.run(HttpConnectorApplication.class, args);
  }
}
