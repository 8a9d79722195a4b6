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
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * At start the gateway registers the schema of the commands it writes ({@code WorkflowRequested}
 * under {@code <command topic>-value}, BACKWARD), waiting for the registry with a log line per
 * attempt instead of failing and being restarted in a loop.
 */
@Configuration(proxyBeanMethods = false)
public class SchemaConfiguration {

  /**
   * Before the command producer and the reply consumer ({@code DEFAULT_PHASE - 4096}), which write
   * and read with the schema, and before the web server: no traffic until the registry answered.
   */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 8192;

  @Bean
  SmartLifecycle registerOwnedSchemas(
      JunctionProperties junction, GatewayProperties gateway, Clock clock) {
    return new SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
          RegistryStartup.awaitAndRegister(
              new RegistryClient(
                  junction.registry().url(),
                  junction.registry().credentials().map(c -> c.client(http, clock)).orElse(null),
                  http),
              CompatibilitySettings.backward(),
              List.of(
                  new Subject(
                      PlatformSubjects.valueSubject(gateway.commandTopic()),
                      WorkflowRequested.getClassSchema(),
                      WorkflowRequested.class.getName())),
              junction.registry().startupTimeout(),
              clock);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the schema registry", e);
        }
        running = true;
      }

      @Override
      public void stop() {
        running = false;
      }

      @Override
      public boolean isRunning() {
        return running;
      }

      @Override
      public int getPhase() {
        return PHASE;
      }
    };
  }
}
