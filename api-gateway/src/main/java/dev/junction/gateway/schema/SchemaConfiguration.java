package dev.junction.gateway.schema;

import dev.junction.contract.schema.CompatibilitySettings;
import dev.junction.contract.schema.PlatformSubjects;
import dev.junction.contract.schema.RegistryClient;
import dev.junction.contract.schema.RegistryStartup;
import dev.junction.contract.schema.Subject;
import dev.junction.gateway.GatewayProperties;
import dev.junction.gateway.JunctionProperties;
import dev.junction.wire.WorkflowRequested;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * At start the gateway registers the schema of the commands it writes ({@code WorkflowRequested}
 * under {@code <command topic>-value}, BACKWARD), waiting for the registry with a log line per
 * attempt instead of failing. It runs as an {@link ApplicationRunner}: the gateway is not ready for
 * traffic until it is done.
 */
@Configuration(proxyBeanMethods = false)
public class SchemaConfiguration {

  @Bean
  ApplicationRunner registerOwnedSchemas(
      JunctionProperties junction, GatewayProperties gateway, Clock clock) {
    return arguments -> {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      RegistryStartup.awaitAndRegister(
          new RegistryClient(junction.registry().url(), null, http),
          CompatibilitySettings.backward(),
          List.of(
              new Subject(
                  PlatformSubjects.valueSubject(gateway.commandTopic()),
                  WorkflowRequested.getClassSchema(),
                  WorkflowRequested.class.getName())),
          junction.registry().startupTimeout(),
          clock);
    };
  }
}
