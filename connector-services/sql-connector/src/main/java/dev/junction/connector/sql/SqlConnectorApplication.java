package dev.junction.connector.sql;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Junction's SQL connector: runs named, parameterised statements against configured databases for
 * workflow steps, effectively once.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SqlConnectorApplication {

  public static void main(String[] args) {
    SpringApplication.run(SqlConnectorApplication.class, args);
  }
}
