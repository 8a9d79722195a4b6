package dev.junction.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class InfraProcessesIT {

  @Test
  void brokerServesAdminRequestsAndStopsWithoutLeftovers() throws Exception {
    long pid;
    try (KafkaBroker kafka = KafkaBroker.start(KafkaBroker.Settings.forTest("infra-it"))) {
      pid = kafka.process().pid();
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin
            .createTopics(List.of(new NewTopic("infra-it.topic", 3, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("infra-it.topic");
      }
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
        .isNotEqualTo(java.util.Optional.of(true));
  }

  @Test
  void registryServesTheConfluentCompatibleApi() throws Exception {
    try (ApicurioRegistry registry =
        ApicurioRegistry.start(ApicurioRegistry.Settings.forTest("infra-it"))) {
      HttpResponse<String> subjects =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + "/subjects")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(subjects.statusCode()).isEqualTo(200);
      assertThat(subjects.body()).startsWith("[");
    }
  }
}
