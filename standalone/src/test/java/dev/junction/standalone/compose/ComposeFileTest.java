package dev.junction.standalone.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.junction.infra.ApicurioRegistry;
import dev.junction.infra.InfraPaths;
import dev.junction.infra.KafkaBroker;
import dev.junction.standalone.stack.ServiceProcess;
import dev.junction.standalone.stack.ServiceSettings;
import dev.junction.standalone.stack.StackSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code docker-compose.yml} without a Docker engine: valid against the Compose Specification, the
 * same settings for every Junction service as the process stack gives it (computed by {@link
 * ServiceSettings} from the endpoints the compose file itself declares), the operator rules (pinned
 * images, health checks, health-gated start order, no secret in the file), and the Prometheus,
 * Grafana and Keycloak files it mounts.
 */
class ComposeFileTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");
  private static final String DEV_DEFAULTS_MARKER = "# DEV DEFAULTS";

  private static Path home;
  private static Map<String, Object> compose;
  private static Map<String, String> dotEnv;
  private static Set<String> devDefaults;

  @BeforeAll
  static void read() throws IOException {
    home = InfraPaths.home();
    compose = yaml(home.resolve("docker-compose.yml"));
    dotEnv = new LinkedHashMap<>();
    devDefaults = new LinkedHashSet<>();
    boolean inDevDefaults = false;
    for (String line : Files.readAllLines(home.resolve(".env.example"))) {
      inDevDefaults |= line.startsWith(DEV_DEFAULTS_MARKER);
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] pair = line.split("=", 2);
        dotEnv.put(pair[0].strip(), pair[1].strip());
        if (inDevDefaults) {
          devDefaults.add(pair[0].strip());
        }
      }
    }
  }

  @Test
  void isValidAgainstTheComposeSpecification() throws IOException {
    Schema schema = composeSchema();
    JsonNode file = JSON.valueToTree(compose);

    assertThat(schema.validate(file)).as("violations of the Compose Specification").isEmpty();

    // the control: the same validator finds what the specification forbids
    ObjectNode broken = (ObjectNode) file.deepCopy();
    ((ObjectNode) broken.path("services").path("kafka")).put("restart_policy", "always");
    ((ObjectNode) broken.path("services").path("orchestrator").path("depends_on").path("kafka"))
        .put("condition", "service_ready");
    List<Error> errors = schema.validate(broken);
    assertThat(errors)
        .extracting(error -> error.getInstanceLocation().toString() + " " + error.getMessage())
        .anySatisfy(m -> assertThat(m).contains("restart_policy"))
        .anySatisfy(m -> assertThat(m).contains("depends_on").contains("condition"));
  }

  @Test
  void runsEveryServiceModuleOfTheBuild() throws IOException {
    assertThat(junctionServices().values())
        .as("modules built by docker-compose.yml")
        .containsAll(serviceModules());
  }

  @Test
  void givesEveryJunctionServiceTheSettingsTheProcessStackGivesIt() {
    ServiceSettings.Endpoints endpoints = composeEndpoints();
    junctionServices()
        .forEach(
            (service, module) -> {
              Map<String, String> expected =
                  ServiceSettings.environment(expectedSettings(service, module, endpoints));
              assertThat(environment(service))
                  .as("environment of %s (module %s)", service, module)
                  .containsAllEntriesOf(expected);
            });
  }

  /** The environment variable names are ones Spring Boot binds to the intended properties. */
  @Test
  void springBindsEverySettingFromTheEnvironment() {
    ServiceSettings.Endpoints endpoints = composeEndpoints();
    junctionServices()
        .forEach(
            (service, module) -> {
              Binder binder = binder(environment(service));
              expectedSettings(service, module, endpoints)
                  .forEach(
                      (property, value) ->
                          assertThat(binder.bind(property, Bindable.of(String.class)).orElse(null))
                              .as("%s of %s", property, service)
                              .isEqualTo(value));
            });
  }

  /**
   * Every Spring setting in a service's environment names a property of that service: one the
   * stacks set, one its {@code application.yaml} declares or a tracing setting. A misspelt name
   * would be ignored.
   */
  @Test
  void setsNoPropertyAServiceDoesNotHave() throws IOException {
    ServiceSettings.Endpoints endpoints = composeEndpoints();
    for (Map.Entry<String, String> entry : junctionServices().entrySet()) {
      String service = entry.getKey();
      Set<String> known = new LinkedHashSet<>();
      expectedSettings(service, entry.getValue(), endpoints).keySet().stream()
          .map(ServiceSettings::environmentName)
          .forEach(known::add);
      applicationYaml(entry.getValue()).keySet().stream()
          .map(ServiceSettings::environmentName)
          .forEach(known::add);
      ServiceSettings.TRACING.stream().map(ServiceSettings::environmentName).forEach(known::add);
      ServiceSettings.KAFKA_SECURITY_PROPERTIES.stream()
          .map(ServiceSettings.KAFKA_CLIENT_PROPERTY::formatted)
          .map(ServiceSettings::environmentName)
          .forEach(known::add);
      assertThat(environment(service).keySet())
          .as("Spring settings of %s", service)
          .filteredOn(name -> name.matches("(SPRING|JUNCTION|SERVER|MANAGEMENT|LOGGING)_.*"))
          .allSatisfy(name -> assertThat(known).contains(name));
    }
  }

  /** Tracing is set alike for every Junction service, and off with the example's values. */
  @Test
  void givesEveryJunctionServiceTheSameTracingSettingsOffByDefault() {
    Map<String, Map<String, String>> tracing = new LinkedHashMap<>();
    junctionServices()
        .keySet()
        .forEach(
            service -> {
              Binder binder = binder(environment(service));
              Map<String, String> settings = new LinkedHashMap<>();
              ServiceSettings.TRACING.forEach(
                  property ->
                      settings.put(
                          property, binder.bind(property, Bindable.of(String.class)).orElse(null)));
              tracing.put(service, settings);
            });
    assertThat(tracing.values())
        .allSatisfy(settings -> assertThat(settings).doesNotContainValue(null))
        .allSatisfy(
            settings -> assertThat(settings).containsEntry(ServiceSettings.TRACES_EXPORT, "false"))
        .allSatisfy(settings -> assertThat(settings).isEqualTo(tracing.values().iterator().next()));
  }

  /**
   * Kafka security is set once ({@code x-kafka-client}) and every Junction service gets the same,
   * as Kafka client properties that Spring Boot hands to all of a service's Kafka clients; its
   * protocol is the one of the broker listener the services are pointed at.
   */
  @Test
  void givesEveryJunctionServiceTheSameKafkaSecurity() {
    Map<String, String> kafka = environment(serviceByImage("apache/kafka"));
    String listener = kafka.get("KAFKA_INTER_BROKER_LISTENER_NAME");
    String brokerProtocol =
        Arrays.stream(kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").split(","))
            .filter(entry -> entry.startsWith(listener + ":"))
            .map(entry -> entry.substring(listener.length() + 1))
            .findFirst()
            .orElseThrow();
    Map<String, Map<String, String>> securityByService = new LinkedHashMap<>();
    junctionServices()
        .keySet()
        .forEach(
            service ->
                securityByService.put(
                    service,
                    binder(environment(service))
                        .bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class))
                        .orElse(Map.of())));

    assertThat(securityByService.values())
        .allSatisfy(
            security ->
                assertThat(security)
                    .containsKeys(
                        ServiceSettings.KAFKA_SECURITY_PROPERTIES
                            .subList(0, 3)
                            .toArray(String[]::new))
                    .containsEntry("security.protocol", brokerProtocol)
                    .isEqualTo(securityByService.values().iterator().next()));
  }

  /** A default that points at 127.0.0.1 points at the container itself under compose. */
  @Test
  void overridesEveryLoopbackDefaultOfTheServices() {
    junctionServices()
        .forEach(
            (service, module) -> {
              Binder binder = binder(environment(service));
              Map<String, String> loopback = new LinkedHashMap<>();
              applicationYaml(module)
                  .forEach(
                      (property, value) -> {
                        if (value.contains("127.0.0.1") || value.contains("localhost")) {
                          loopback.put(property, value);
                        }
                      });
              assertThat(loopback.keySet())
                  .as("loopback defaults of %s", module)
                  .allSatisfy(
                      property ->
                          assertThat(binder.bind(property, Bindable.of(String.class)).orElse(null))
                              .as("%s of %s", property, service)
                              .isNotNull()
                              .satisfies(
                                  value -> {
                                    // the issuer is only compared with the tokens' `iss` (keys
                                    // come from the JWKS URL): it is the URL clients see
                                    if (!property.equals(ServiceSettings.JWT_ISSUER_URI)) {
                                      assertThat(value).doesNotContain("127.0.0.1", "localhost");
                                    }
                                  }));
            });
  }

  @Test
  void pinsEveryImageAndChecksEveryServicesHealth() {
    services()
        .forEach(
            (name, service) -> {
              if (service.containsKey("image")) {
                String image = (String) service.get("image");
                String tag = image.substring(image.lastIndexOf(':') + 1);
                assertThat(image).as("image of %s", name).contains(":");
                assertThat(tag).as("tag of %s", name).isNotEqualTo("latest").matches(".*\\d.*");
              } else {
                assertThat(service).as("%s: an image or a build", name).containsKey("build");
              }
              Map<String, Object> health = map(service.get("healthcheck"));
              assertThat(health).as("health check of %s", name).containsKey("test");
              assertThat(health.get("disable")).as("health check of %s", name).isNotEqualTo(true);
            });
  }

  /** The process stack's Keycloak (from Maven Central) is the version compose runs. */
  @Test
  void runsTheKeycloakVersionOfTheProcessStack() throws IOException {
    Matcher version =
        Pattern.compile("<keycloak.version>([^<]+)</keycloak.version>")
            .matcher(Files.readString(home.resolve("pom.xml")));
    assertThat(version.find()).as("keycloak.version in pom.xml").isTrue();

    assertThat((String) services().get("keycloak").get("image"))
        .isEqualTo("quay.io/keycloak/keycloak:" + version.group(1));
  }

  @Test
  void startsEachServiceOnceWhatItNeedsIsHealthy() {
    services()
        .forEach(
            (name, service) -> {
              Object dependsOn = service.getOrDefault("depends_on", Map.of());
              assertThat(dependsOn)
                  .as("depends_on of %s, with conditions", name)
                  .isInstanceOf(Map.class);
              map(dependsOn)
                  .forEach(
                      (dependency, how) -> {
                        assertThat(services()).containsKey(dependency);
                        assertThat(map(how).get("condition"))
                            .as("%s waits for %s", name, dependency)
                            .isEqualTo("service_healthy");
                        // a service of the default stack cannot need one of an optional profile
                        if (!service.containsKey("profiles")) {
                          assertThat(services().get(dependency))
                              .as("%s needs %s", name, dependency)
                              .doesNotContainKey("profiles");
                        }
                      });
            });
    assertThat(services().keySet().stream().filter(s -> services().get(s).containsKey("profiles")))
        .as("optional parts")
        .contains("prometheus", "grafana", "redis");
  }

  @Test
  void keepsSecretsOutOfTheFile() throws IOException {
    String text = Files.readString(home.resolve("docker-compose.yml"));
    Matcher matcher = VARIABLE.matcher(text);
    while (matcher.find()) {
      assertThat(dotEnv).as("variables .env.example defines").containsKey(matcher.group(1));
    }
    services()
        .forEach(
            (name, service) ->
                rawEnvironment(service)
                    .forEach(
                        (variable, value) -> {
                          if (variable.matches(".*(PASSWORD|SECRET).*")) {
                            Matcher reference = VARIABLE.matcher(value);
                            assertThat(reference.matches())
                                .as(
                                    "%s of %s is a reference, not a value: %s",
                                    variable, name, value)
                                .isTrue();
                            assertThat(reference.group(2))
                                .as("%s of %s has no default in the file", variable, name)
                                .isIn(null, ":?", "?");
                            assertThat(devDefaults)
                                .as("marked development defaults in .env.example")
                                .contains(reference.group(1));
                          }
                        }));
    assertThat(Files.readString(home.resolve(".gitignore")).lines()).contains(".env");
  }

  @Test
  void givesTheBrokerTheTuningOfTheBrokerJunctionStarts() {
    String kafka = serviceByImage("apache/kafka");
    Map<String, String> environment = environment(kafka);
    KafkaBroker.tuning()
        .forEach(
            (property, value) ->
                assertThat(environment.get(kafkaImageVariable(property)))
                    .as(property)
                    .isEqualTo(value));
  }

  @Test
  void prometheusScrapesEveryJunctionServiceWhereItServesItsMetrics() throws IOException {
    Map<String, Object> prometheus = yaml(home.resolve("deploy/prometheus/prometheus.yml"));
    Map<String, String> pathByTarget = new LinkedHashMap<>();
    for (Object job : (List<?>) prometheus.get("scrape_configs")) {
      Map<String, Object> scrape = map(job);
      for (Object targets : (List<?>) scrape.get("static_configs")) {
        for (Object target : (List<?>) map(targets).get("targets")) {
          pathByTarget.put(
              (String) target, (String) scrape.getOrDefault("metrics_path", "/metrics"));
        }
      }
    }
    junctionServices()
        .forEach(
            (service, module) -> {
              Map<String, String> config = applicationYaml(module);
              String port = config.get("server.port");
              assertThat(config.get("management.endpoints.web.exposure.include"))
                  .as("%s exposes", module)
                  .contains("prometheus");
              assertThat(pathByTarget)
                  .as("scrape targets")
                  .containsEntry(service + ":" + port, "/actuator/prometheus");
              assertThat(map(services().get(service).get("healthcheck")).get("test").toString())
                  .as("health check of %s", service)
                  .contains("localhost:" + port + ServiceProcess.READINESS_PATH);
            });
  }

  /** The gateway answers only token holders, its metrics included. */
  @Test
  void prometheusScrapesTheGatewayWithATokenForTheGatewaysAudience() throws IOException {
    Map<String, Object> prometheus = yaml(home.resolve("deploy/prometheus/prometheus.yml"));
    String gateway = serviceOfModule("api-gateway");
    Map<String, Object> job =
        ((List<?>) prometheus.get("scrape_configs"))
            .stream()
                .map(ComposeFileTest::map)
                .filter(j -> String.valueOf(j.get("static_configs")).contains(gateway + ":"))
                .findFirst()
                .orElseThrow();
    Map<String, Object> oauth2 = map(job.get("oauth2"));
    String jwks = composeEndpoints().jwkSetUri();
    assertThat(oauth2.get("token_url"))
        .isEqualTo(
            jwks.replace("/protocol/openid-connect/certs", "/protocol/openid-connect/token"));

    JsonNode realm =
        JSON.readTree(
            home.resolve(realmFileMount(serviceByImage("quay.io/keycloak/keycloak"))).toFile());
    JsonNode client =
        realm
            .path("clients")
            .valueStream()
            .filter(c -> c.path("clientId").asString().equals(oauth2.get("client_id")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no realm client " + oauth2.get("client_id")));
    assertThat(client.path("serviceAccountsEnabled").asBoolean()).isTrue();
    assertThat(client.path("protocolMappers").toString()).contains(StackSettings.GATEWAY_AUDIENCE);

    String secretFile = (String) oauth2.get("client_secret_file");
    String secret = secretFile.substring("/run/secrets/".length());
    assertThat(String.valueOf(services().get("prometheus").get("secrets"))).contains(secret);
    String variable = (String) map(map(compose.get("secrets")).get(secret)).get("environment");
    assertThat(client.path("secret").asString()).isEqualTo("${" + variable + "}");
    assertThat(environment(serviceByImage("quay.io/keycloak/keycloak"))).containsKey(variable);
    assertThat(devDefaults).contains(variable);
  }

  @Test
  void grafanaProvisionsPrometheusAndTheJunctionDashboard() throws IOException {
    Map<String, Object> grafana = services().get("grafana");
    Map<String, Object> datasources =
        yaml(home.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"));
    Map<String, Object> datasource = map(((List<?>) datasources.get("datasources")).getFirst());
    assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");
    assertThat(services()).containsKey("prometheus");

    Map<String, Object> providers =
        yaml(home.resolve("deploy/grafana/provisioning/dashboards/junction.yml"));
    String dashboardsPath =
        (String)
            map(map(((List<?>) providers.get("providers")).getFirst()).get("options")).get("path");
    assertThat(mountTarget(grafana, "./deploy/grafana/dashboards")).isEqualTo(dashboardsPath);
    assertThat(mountTarget(grafana, "./deploy/grafana/provisioning"))
        .isEqualTo("/etc/grafana/provisioning");

    JsonNode dashboard =
        JSON.readTree(home.resolve("deploy/grafana/dashboards/junction.json").toFile());
    List<JsonNode> panels = dashboard.path("panels").valueStream().toList();
    assertThat(panels).isNotEmpty();
    assertThat(panels)
        .allSatisfy(
            panel -> {
              assertThat(panel.path("datasource").path("uid").asString())
                  .isEqualTo(datasource.get("uid"));
              assertThat(panel.path("targets").valueStream().map(t -> t.path("expr").asString()))
                  .isNotEmpty()
                  .allSatisfy(expr -> assertThat(expr).isNotBlank());
            });
  }

  @Test
  void keycloakRealmGivesTheSampleClientWhatTheGatewayChecks() throws IOException {
    String keycloak = serviceByImage("quay.io/keycloak/keycloak");
    String realmFile = realmFileMount(keycloak);
    JsonNode realm = JSON.readTree(home.resolve(realmFile).toFile());
    Map<String, JsonNode> clients = new LinkedHashMap<>();
    realm.path("clients").forEach(c -> clients.put(c.path("clientId").asString(), c));
    Map<String, JsonNode> scopes = new LinkedHashMap<>();
    realm.path("clientScopes").forEach(s -> scopes.put(s.path("name").asString(), s));

    assertThat(clients).containsKey(StackSettings.GATEWAY_AUDIENCE);
    JsonNode sample = clients.get(StackSettings.SAMPLE_CLIENT_ID);
    assertThat(sample).as("the sample client").isNotNull();
    assertThat(sample.path("serviceAccountsEnabled").asBoolean()).isTrue();
    Matcher secret = VARIABLE.matcher(sample.path("secret").asString());
    assertThat(secret.matches()).as("the secret is a placeholder").isTrue();
    assertThat(environment(keycloak)).containsKey(secret.group(1));
    assertThat(sample.path("protocolMappers").valueStream())
        .anySatisfy(
            mapper -> {
              assertThat(mapper.path("protocolMapper").asString())
                  .isEqualTo("oidc-audience-mapper");
              assertThat(mapper.path("config").path("included.client.audience").asString())
                  .isEqualTo(StackSettings.GATEWAY_AUDIENCE);
            });

    // a clientScopes list replaces Keycloak's built-in scopes: "basic" carries `sub`
    assertThat(scopes).containsKey("basic");
    Set<String> granted = new LinkedHashSet<>();
    sample.path("defaultClientScopes").forEach(s -> granted.add(s.asString()));
    sample.path("optionalClientScopes").forEach(s -> granted.add(s.asString()));
    Set<String> needed = new LinkedHashSet<>(catalogScopes());
    needed.addAll(Arrays.asList(StackSettings.SAMPLE_SCOPES.split(" ")));
    needed.add(StackSettings.OPERATOR_SCOPE);
    needed.add(StackSettings.SUBSCRIPTIONS_OPERATOR_SCOPE);
    assertThat(needed).hasSizeGreaterThan(1);
    assertThat(needed)
        .allSatisfy(
            scope -> {
              assertThat(granted).as("scopes the sample client may ask for").contains(scope);
              assertThat(scopes.get(scope)).as("client scope %s", scope).isNotNull();
              assertThat(
                      scopes
                          .get(scope)
                          .path("attributes")
                          .path("include.in.token.scope")
                          .asString())
                  .as("%s appears in the token's scope claim", scope)
                  .isEqualTo("true");
            });
    assertThat(clients).containsKeys("apicurio-registry", "junction-registry-client");
  }

  // --- what the checks compare against -------------------------------------------------------

  /**
   * What the process stack would give this service, computed for the places the compose file gives
   * the parts (its host names, ports and mounts).
   */
  private static Map<String, String> expectedSettings(
      String service, String module, ServiceSettings.Endpoints endpoints) {
    Map<String, Object> definition = services().get(service);
    return switch (module) {
      case "orchestrator" ->
          ServiceSettings.orchestrator(
              endpoints,
              "orchestrator-0",
              service,
              mountTarget(definition, "./workflows"),
              namedVolumeTarget(definition));
      case "api-gateway" ->
          ServiceSettings.gateway(endpoints, 0, mountTarget(definition, "./apis"));
      case "connector-services/http-connector" -> ServiceSettings.httpConnector(endpoints);
      default -> ServiceSettings.common(endpoints);
    };
  }

  /** Where the compose file puts the broker, the registry, the issuer and the services. */
  private static ServiceSettings.Endpoints composeEndpoints() {
    Map<String, String> kafka = environment(serviceByImage("apache/kafka"));
    String listener = kafka.get("KAFKA_INTER_BROKER_LISTENER_NAME") + "://";
    String bootstrap =
        Arrays.stream(kafka.get("KAFKA_ADVERTISED_LISTENERS").split(","))
            .filter(l -> l.startsWith(listener))
            .map(l -> l.substring(listener.length()))
            .findFirst()
            .orElseThrow();

    String apicurio = serviceByImage("apicurio/apicurio-registry");
    String registry =
        "http://"
            + apicurio
            + ":"
            + environment(apicurio).getOrDefault("QUARKUS_HTTP_PORT", "8080")
            + ApicurioRegistry.API_PATH;

    String keycloak = serviceByImage("quay.io/keycloak/keycloak");
    String realm;
    try {
      realm =
          JSON.readTree(home.resolve(realmFileMount(keycloak)).toFile()).path("realm").asString();
    } catch (tools.jackson.core.JacksonException e) {
      throw new AssertionError("unreadable realm file", e);
    }
    Map<String, String> keycloakEnv = environment(keycloak);
    String issuer = keycloakEnv.get("KC_HOSTNAME") + "/realms/" + realm;
    String jwks =
        "http://"
            + keycloak
            + ":"
            + keycloakEnv.getOrDefault("KC_HTTP_PORT", "8080")
            + "/realms/"
            + realm
            + "/protocol/openid-connect/certs";

    String orchestrator = serviceOfModule("orchestrator");
    String orchestratorUrl =
        "http://" + orchestrator + ":" + applicationYaml("orchestrator").get("server.port");

    Map<String, Object> backend = services().get("sample-backend");
    List<?> command = (List<?>) backend.get("command");
    String backendUrl = "http://sample-backend:" + command.get(command.indexOf("--port") + 1);
    return new ServiceSettings.Endpoints(
        bootstrap, registry, issuer, jwks, orchestratorUrl, backendUrl);
  }

  /** Modules of the build that are services: they have an {@code application.yaml}. */
  private static List<String> serviceModules() throws IOException {
    Pattern module = Pattern.compile("<module>([^<]+)</module>");
    Matcher matcher = module.matcher(Files.readString(home.resolve("pom.xml")));
    List<String> services = new ArrayList<>();
    while (matcher.find()) {
      if (isService(matcher.group(1))) {
        services.add(matcher.group(1));
      }
    }
    assertThat(services).as("service modules").contains("api-gateway", "orchestrator");
    return services;
  }

  private static Set<String> catalogScopes() throws IOException {
    Set<String> scopes = new LinkedHashSet<>();
    try (Stream<Path> files = Files.list(home.resolve("apis"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        collectScopes(new Yaml().load(Files.readString(file)), scopes);
      }
    }
    return scopes;
  }

  private static void collectScopes(Object node, Set<String> scopes) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (key, value) -> {
            if ("scopes".equals(key) && value instanceof List<?> list) {
              list.forEach(scope -> scopes.add(scope.toString()));
            } else {
              collectScopes(value, scopes);
            }
          });
    } else if (node instanceof List<?> list) {
      list.forEach(item -> collectScopes(item, scopes));
    }
  }

  // --- reading the files ---------------------------------------------------------------------

  private static Schema composeSchema() throws IOException {
    try (InputStream in = ComposeFileTest.class.getResourceAsStream("/compose/compose-spec.json")) {
      ObjectNode schema = (ObjectNode) JSON.readTree(in);
      // draft-07 is the default dialect; the file names it with an https URL the validator would
      // try to fetch
      schema.remove("$schema");
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
          .getSchema(SchemaLocation.of("https://junction.invalid/compose_spec.json"), schema);
    }
  }

  private static Map<String, Map<String, Object>> services() {
    Map<String, Map<String, Object>> services = new LinkedHashMap<>();
    map(compose.get("services")).forEach((name, service) -> services.put(name, map(service)));
    return services;
  }

  /** Service name to module, for the services built from this repository. */
  /**
   * Whether a module is a Junction service: it has settings of its own. The launcher (standalone,
   * whose image also runs the sample backend) has an application.yaml without any, only there to
   * shadow the services' files on its class path.
   */
  private static boolean isService(String module) {
    Path file = home.resolve(module).resolve("src/main/resources/application.yaml");
    return Files.exists(file) && !applicationYaml(module).isEmpty();
  }

  private static Map<String, String> junctionServices() {
    Map<String, String> modules = new LinkedHashMap<>();
    services()
        .forEach(
            (name, service) -> {
              Object module = map(map(service.get("build")).get("args")).get("MODULE");
              if (module != null && isService(module.toString())) {
                modules.put(name, module.toString());
              }
            });
    return modules;
  }

  private static String serviceOfModule(String module) {
    return junctionServices().entrySet().stream()
        .filter(e -> e.getValue().equals(module))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no service builds " + module));
  }

  private static String serviceByImage(String image) {
    return services().entrySet().stream()
        .filter(e -> String.valueOf(e.getValue().get("image")).startsWith(image + ":"))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no service runs " + image));
  }

  /** A service's environment as the containers see it, with .env.example's values. */
  private static Map<String, String> environment(String service) {
    Map<String, String> environment = new LinkedHashMap<>();
    rawEnvironment(services().get(service))
        .forEach((name, value) -> environment.put(name, interpolate(value)));
    return environment;
  }

  private static Map<String, String> rawEnvironment(Map<String, Object> service) {
    Map<String, String> environment = new LinkedHashMap<>();
    map(service.get("environment"))
        .forEach((name, value) -> environment.put(name, String.valueOf(value)));
    return environment;
  }

  private static String interpolate(String value) {
    Matcher matcher = VARIABLE.matcher(value);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String set = dotEnv.get(matcher.group(1));
      String operator = matcher.group(2);
      String replacement;
      if (operator != null && operator.endsWith("-") && (set == null || set.isEmpty())) {
        replacement = matcher.group(3);
      } else {
        assertThat(set).as("${%s} is set in .env.example", matcher.group(1)).isNotNull();
        replacement = set;
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  private static Binder binder(Map<String, String> environment) {
    Map<String, Object> source = new LinkedHashMap<>(environment);
    return new Binder(
        ConfigurationPropertySources.from(
            // Boot maps environment variable names only for a source named like the system
            // environment
            new SystemEnvironmentPropertySource("compose-systemEnvironment", source)));
  }

  /** The container path a host folder ({@code ./workflows}) is mounted at. */
  private static String mountTarget(Map<String, Object> service, String source) {
    return volumes(service).stream()
        .filter(v -> v[0].equals(source))
        .map(v -> v[1])
        .findFirst()
        .orElseThrow(() -> new AssertionError(source + " is not mounted"));
  }

  /** The container path of the service's only named volume. */
  private static String namedVolumeTarget(Map<String, Object> service) {
    List<String> targets =
        volumes(service).stream().filter(v -> !v[0].startsWith(".")).map(v -> v[1]).toList();
    assertThat(targets).as("named volumes").hasSize(1);
    assertThat(map(compose.get("volumes")))
        .containsKey(
            volumes(service).stream()
                .filter(v -> !v[0].startsWith("."))
                .findFirst()
                .orElseThrow()[0]);
    return targets.getFirst();
  }

  private static List<String[]> volumes(Map<String, Object> service) {
    List<String[]> volumes = new ArrayList<>();
    for (Object volume : (List<?>) service.getOrDefault("volumes", List.of())) {
      volumes.add(volume.toString().split(":"));
    }
    return volumes;
  }

  private static String realmFileMount(String keycloak) {
    return volumes(services().get(keycloak)).stream()
        .filter(v -> v[1].startsWith("/opt/keycloak/data/import/"))
        .map(v -> v[0].substring(2))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no realm is imported"));
  }

  /** The apache/kafka image's variable for a broker property. */
  private static String kafkaImageVariable(String property) {
    return "KAFKA_"
        + property.replace("_", "__").replace("-", "___").replace(".", "_").toUpperCase();
  }

  /** A module's {@code application.yaml}, flattened to dotted property names. */
  private static Map<String, String> applicationYaml(String module) {
    try {
      Map<String, String> flat = new LinkedHashMap<>();
      flatten("", yaml(home.resolve(module).resolve("src/main/resources/application.yaml")), flat);
      return flat;
    } catch (IOException e) {
      throw new AssertionError("cannot read the configuration of " + module, e);
    }
  }

  private static void flatten(String prefix, Object node, Map<String, String> flat) {
    if (node == null && prefix.isEmpty()) {
      return; // a file without settings
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> flatten(prefix + key + ".", value, flat));
    } else if (node instanceof List<?> list) {
      flat.put(
          prefix.substring(0, prefix.length() - 1),
          String.join(",", list.stream().map(String::valueOf).toList()));
    } else {
      flat.put(prefix.substring(0, prefix.length() - 1), String.valueOf(node));
    }
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    return new Yaml().load(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    return node == null ? Map.of() : (Map<String, Object>) node;
  }
}
