package dev.junction.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) run as a child process from
 * Kafka's own jars. Tuned for the request path on one machine: replication factor 1, no initial
 * rebalance delay, offset commits not held back ({@code group.coordinator.append.linger.ms=0}) and
 * no auto-created topics (every service creates its topics with the partition count it needs).
 */
public final class KafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);

  /**
   * How to run the broker.
   *
   * @param name label used in logs
   * @param dataDir folder for the KRaft log; formatted on first start, reused after
   * @param port client (PLAINTEXT) port on 127.0.0.1
   * @param controllerPort KRaft controller port on 127.0.0.1
   * @param logFile where the broker's output goes
   * @param heapMb maximum heap
   * @param startTimeout how long to wait for the broker to answer admin requests
   * @param saslSsl a SASL_SSL client listener instead of PLAINTEXT; null for PLAINTEXT
   */
  public record Settings(
      String name,
      Path dataDir,
      int port,
      int controllerPort,
      Path logFile,
      int heapMb,
      Duration startTimeout,
      SaslSsl saslSsl) {

    /** A broker with a PLAINTEXT client listener. */
    public Settings(
        String name,
        Path dataDir,
        int port,
        int controllerPort,
        Path logFile,
        int heapMb,
        Duration startTimeout) {
      this(name, dataDir, port, controllerPort, logFile, heapMb, startTimeout, null);
    }

    /** The same broker with its client listener on SASL_SSL. */
    public Settings withSaslSsl(SaslSsl saslSsl) {
      return new Settings(
          name, dataDir, port, controllerPort, logFile, heapMb, startTimeout, saslSsl);
    }

    /** A throw-away broker on free ports with its data in a fresh temporary folder. */
    public static Settings forTest(String name) {
      try {
        Path dir = Files.createTempDirectory("junction-kafka-" + name + "-");
        return new Settings(
            name,
            dir.resolve("data"),
            FreePorts.next(),
            FreePorts.next(),
            dir.resolve("kafka.log"),
            512,
            Duration.ofSeconds(90));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * A SASL_SSL client listener: TLS with the broker's own key and certificate, then SCRAM-SHA-512
   * authentication of every client; a client without valid credentials is refused. The users are
   * created when the storage is formatted ({@code kafka-storage format --add-scram}, KIP-900), so
   * they exist before the broker serves anything. The controller listener stays PLAINTEXT on
   * 127.0.0.1.
   *
   * @param keyStore PKCS12 key store with the broker's private key and certificate chain; the
   *     certificate names the host clients connect to (127.0.0.1)
   * @param keyStorePassword the key store's and the key's password
   * @param broker the user the broker authenticates with to its own listener (inter-broker), with
   *     the authorities it trusts; readiness checks use it too
   * @param users the other users, e.g. the one the Junction services share
   */
  public record SaslSsl(
      Path keyStore,
      String keyStorePassword,
      KafkaClientSecurity broker,
      List<KafkaClientSecurity> users) {

    public SaslSsl {
      users = List.copyOf(users);
      for (KafkaClientSecurity user : allUsers(broker, users)) {
        if (!user.username().matches("[A-Za-z0-9._-]+")
            || user.password().matches(".*[,\\[\\]=\\s].*")) {
          // kafka-storage's --add-scram syntax (SCRAM-SHA-512=[name=...,password=...]) has no
          // escapes
          throw new IllegalArgumentException(
              "SCRAM user "
                  + user.username()
                  + ": names are [A-Za-z0-9._-]+ and passwords have no ',', '[', ']', '=' or"
                  + " white space");
        }
      }
    }

    private static List<KafkaClientSecurity> allUsers(
        KafkaClientSecurity broker, List<KafkaClientSecurity> users) {
      List<KafkaClientSecurity> all = new java.util.ArrayList<>();
      all.add(broker);
      all.addAll(users);
      return all;
    }

    @Override
    public String toString() {
      return "SaslSsl[keyStore=" + keyStore + ", broker=" + broker + ", users=" + users + "]";
    }
  }

  private final Settings settings;
  private final ChildProcess process;

  private KafkaBroker(Settings settings, ChildProcess process) {
    this.settings = settings;
    this.process = process;
  }

  /** Formats the storage if needed, starts the broker and waits until it serves admin requests. */
  public static KafkaBroker start(Settings settings) {
    Path lib = InfraPaths.kafkaLib();
    try {
      Path configDir =
          settings.dataDir().resolveSibling(settings.dataDir().getFileName() + "-conf");
      Files.createDirectories(configDir);
      Path serverProperties = configDir.resolve("server.properties");
      writeServerProperties(settings, serverProperties);
      Path log4j = configDir.resolve("log4j2.xml");
      try (InputStream in = KafkaBroker.class.getResourceAsStream("kafka-log4j2.xml")) {
        Files.copy(in, log4j, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      String classpath = lib.resolve("*").toString();
      if (!Files.exists(settings.dataDir().resolve("meta.properties"))) {
        format(settings, classpath, serverProperties, log4j);
      }
      ClassDataSharing.Plan cds = ClassDataSharing.plan("kafka", ClassDataSharing.jarsIn(lib));
      List<String> command = new ArrayList<>();
      command.add(ChildProcess.javaBinary());
      command.addAll(cds.jvmOptions());
      command.addAll(
          List.of(
              "-Xms" + Math.min(256, settings.heapMb()) + "m",
              "-Xmx" + settings.heapMb() + "m",
              "-XX:+UseG1GC",
              "-Djava.awt.headless=true",
              "-Dlog4j2.configurationFile=" + log4j,
              "-cp",
              classpath,
              "kafka.Kafka",
              serverProperties.toString()));
      ChildProcess process =
          ChildProcess.start(
              "kafka[" + settings.name() + "]", command, configDir, Map.of(), settings.logFile());
      process.whenExited(cds::exited);
      KafkaBroker broker = new KafkaBroker(settings, process);
      try {
        Readiness.await(process, settings.startTimeout(), broker::answersAdminRequests);
      } catch (RuntimeException | Error e) { // never leave a half-started broker running
        process.close();
        throw e;
      }
      log.info(
          "Kafka broker {} ready at {} (pid {})",
          settings.name(),
          broker.bootstrapServers(),
          process.pid());
      return broker;
    } catch (IOException e) {
      throw new InfraException("Could not prepare the Kafka broker in " + settings.dataDir(), e);
    }
  }

  private static void format(Settings settings, String classpath, Path config, Path log4j)
      throws IOException {
    List<String> command =
        List.of(
            ChildProcess.javaBinary(),
            "-Dlog4j2.configurationFile=" + log4j,
            "-cp",
            classpath,
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "--ignore-formatted",
            "-t",
            // Kafka's own generator: never starts with '-', which the tool would read as an option
            Uuid.randomUuid().toString(),
            "-c",
            config.toString());
    if (settings.saslSsl() != null) {
      command = new java.util.ArrayList<>(command);
      for (KafkaClientSecurity user :
          SaslSsl.allUsers(settings.saslSsl().broker(), settings.saslSsl().users())) {
        command.add("--add-scram");
        command.add(
            KafkaClientSecurity.SCRAM_SHA_512
                + "=[name="
                + user.username()
                + ",password="
                + user.password()
                + "]");
      }
    }
    Path formatLog = settings.logFile().resolveSibling("kafka-format.log");
    Files.createDirectories(formatLog.getParent());
    Process formatter =
        ChildProcess.spawn(
            "kafka-storage format",
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(formatLog.toFile())));
    try {
      if (!formatter.waitFor(60, TimeUnit.SECONDS)) {
        formatter.destroyForcibly();
        throw new InfraException("Formatting the KRaft storage timed out; see " + formatLog);
      }
    } catch (InterruptedException e) {
      formatter.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InfraException("Interrupted while formatting the KRaft storage", e);
    }
    if (formatter.exitValue() != 0) {
      throw new InfraException(
          "Formatting the KRaft storage in "
              + settings.dataDir()
              + " failed with exit code "
              + formatter.exitValue()
              + "; see "
              + formatLog);
    }
  }

  private static void writeServerProperties(Settings settings, Path file) throws IOException {
    Properties p = new Properties();
    p.putAll(serverProperties(settings));
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "Junction single-node KRaft broker " + settings.name());
    }
  }

  /** What {@code server.properties} holds for {@code settings}. */
  static Map<String, String> serverProperties(Settings settings) {
    Map<String, String> p = new java.util.LinkedHashMap<>();
    String controller = "127.0.0.1:" + settings.controllerPort();
    String client = settings.saslSsl() == null ? "PLAINTEXT" : KafkaClientSecurity.SASL_SSL;
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", controller);
    p.put("listeners", client + "://127.0.0.1:" + settings.port() + ",CONTROLLER://" + controller);
    p.put("advertised.listeners", client + "://127.0.0.1:" + settings.port());
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", client);
    p.put("log.dirs", settings.dataDir().toAbsolutePath().toString());
    if (settings.saslSsl() != null) {
      SaslSsl security = settings.saslSsl();
      String mechanism = KafkaClientSecurity.SCRAM_SHA_512;
      p.put("sasl.enabled.mechanisms", mechanism);
      p.put("sasl.mechanism.inter.broker.protocol", mechanism);
      p.put(
          "listener.name.sasl_ssl."
              + mechanism.toLowerCase(java.util.Locale.ROOT)
              + ".sasl.jaas.config",
          KafkaClientSecurity.jaasConfig(
              security.broker().username(), security.broker().password()));
      p.put("ssl.keystore.type", "PKCS12");
      p.put("ssl.keystore.location", security.keyStore().toAbsolutePath().toString());
      p.put("ssl.keystore.password", security.keyStorePassword());
      p.put("ssl.key.password", security.keyStorePassword());
      Map<String, String> brokerAsClient = security.broker().clientProperties();
      brokerAsClient.forEach(
          (key, value) -> {
            if (key.startsWith("ssl.truststore.")) {
              p.put(key, value);
            }
          });
    }
    p.putAll(tuning());
    return p;
  }

  /**
   * The broker settings beyond addresses and folders: a single node (replication factors and
   * minimum in-sync replicas 1), topics created only by the services, no initial rebalance delay
   * and offset commits not held back. {@code docker-compose.yml} gives its broker the same.
   */
  public static Map<String, String> tuning() {
    Map<String, String> tuning = new java.util.LinkedHashMap<>();
    tuning.put("num.partitions", "1");
    tuning.put("auto.create.topics.enable", "false");
    tuning.put("offsets.topic.replication.factor", "1");
    tuning.put("offsets.topic.num.partitions", "10");
    tuning.put("transaction.state.log.replication.factor", "1");
    tuning.put("transaction.state.log.min.isr", "1");
    tuning.put("share.coordinator.state.topic.replication.factor", "1");
    tuning.put("share.coordinator.state.topic.min.isr", "1");
    tuning.put("min.insync.replicas", "1");
    tuning.put("group.initial.rebalance.delay.ms", "0");
    tuning.put("group.coordinator.append.linger.ms", "0");
    // one network thread and two request handlers: every request is handed from a network thread
    // to a handler and back, and on a machine of a few cores more threads only mean more wake-ups
    tuning.put("num.network.threads", "1");
    tuning.put("num.io.threads", "2");
    tuning.put("log.retention.hours", "168");
    return tuning;
  }

  private boolean answersAdminRequests() {
    Map<String, Object> config = new java.util.HashMap<>(clientProperties());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = Admin.create(config)) {
      admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      return false; // not serving yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfraException("Interrupted while waiting for Kafka", e);
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + settings.port();
  }

  /**
   * What a client needs to reach this broker: the bootstrap servers and, on a SASL_SSL listener,
   * the broker user's credentials and trusted authorities.
   */
  public Map<String, Object> clientProperties() {
    Map<String, Object> properties = new java.util.HashMap<>();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    if (settings.saslSsl() != null) {
      properties.putAll(settings.saslSsl().broker().clientProperties());
    }
    return properties;
  }

  public ChildProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
