package ai.otc.rollout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.platform.kafka.EmbeddedBroker;
import ai.otc.platform.process.Ports;
import ai.otc.rollout.messaging.KafkaClients;
import ai.otc.rollout.messaging.TopicInitializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout service's Kafka clients against a real TLS listener with client certificates (what the prod overlay's
 * Strimzi listener is: {@code tls: true}, {@code authentication: tls}), on 127.0.0.1: a KRaft broker with a second
 * listener {@code SSL} that requires a client certificate, certificates made by {@code keytool} (PKCS12, as the
 * Strimzi User Operator writes them). The service's settings are the deployed ConfigMap's {@code kafka.security.protocol}
 * and {@code kafka.ssl.*} keys, read the way the service reads them ({@link KafkaConnection#fromConfig}).
 *
 * <p>The topic check's Admin ({@link TopicInitializer} with {@link KafkaClients#admin}) creates the topics through the
 * TLS listener; the policy consumer reaches it too. Without the security settings (what the Admin had before) the same
 * check fails: the broker never answers a client that does not speak TLS.
 */
class TlsAdminIT {

  private static final String PASSWORD = "changeit-" + Long.toHexString(System.nanoTime());

  @TempDir static Path dir;
  private static EmbeddedBroker broker;
  private static int tlsPort;
  private static Map<String, String> deployed;

  @BeforeAll
  static void startBrokerWithTlsListener() throws Exception {
    Path certs = dir.resolve("certs");
    java.nio.file.Files.createDirectories(certs);
    // Broker and client key pairs; each side trusts the other's certificate (mutual TLS, as Strimzi's CA-signed ones).
    keytool(certs, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", "broker.p12", "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool(certs, "-genkeypair", "-alias", "rollout-service", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=rollout-service", "-validity", "2", "-keystore", "user.p12", "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool(certs, "-exportcert", "-alias", "broker", "-keystore", "broker.p12", "-storepass", PASSWORD, "-file", "broker.crt");
    keytool(certs, "-exportcert", "-alias", "rollout-service", "-keystore", "user.p12", "-storepass", PASSWORD, "-file", "user.crt");
    keytool(certs, "-importcert", "-noprompt", "-alias", "ca", "-file", "broker.crt", "-keystore", "ca.p12", "-storetype", "PKCS12",
        "-storepass", PASSWORD);
    keytool(certs, "-importcert", "-noprompt", "-alias", "clients", "-file", "user.crt", "-keystore", "clients.p12",
        "-storetype", "PKCS12", "-storepass", PASSWORD);

    int port = Ports.free();
    int controller = Ports.free();
    tlsPort = Ports.free();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller + ",SSL://127.0.0.1:" + tlsPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SSL://127.0.0.1:" + tlsPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL");
    p.put("listener.name.ssl.ssl.client.auth", "required");
    p.put("listener.name.ssl.ssl.keystore.type", "PKCS12");
    p.put("listener.name.ssl.ssl.keystore.location", certs.resolve("broker.p12").toString());
    p.put("listener.name.ssl.ssl.keystore.password", PASSWORD);
    p.put("listener.name.ssl.ssl.key.password", PASSWORD);
    p.put("listener.name.ssl.ssl.truststore.type", "PKCS12");
    p.put("listener.name.ssl.ssl.truststore.location", certs.resolve("clients.p12").toString());
    p.put("listener.name.ssl.ssl.truststore.password", PASSWORD);
    broker = EmbeddedBroker.builder(dir.resolve("broker")).port(port).controllerPort(controller).properties(p).build().start();

    // The prod ConfigMap's lines (k8s/base/*/config.yaml), with this broker's address and this test's stores.
    deployed = new LinkedHashMap<>();
    deployed.put("kafka.bootstrap.servers", "127.0.0.1:" + tlsPort);
    deployed.put("kafka.security.protocol", "SSL");
    deployed.put("kafka.ssl.keystore.type", "PKCS12");
    deployed.put("kafka.ssl.keystore.location", certs.resolve("user.p12").toString());
    deployed.put("kafka.ssl.keystore.password", PASSWORD);
    deployed.put("kafka.ssl.truststore.type", "PKCS12");
    deployed.put("kafka.ssl.truststore.location", certs.resolve("ca.p12").toString());
    deployed.put("kafka.ssl.truststore.password", PASSWORD);
    deployed.put("kafka.auto.offset.reset", "earliest");
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private static KafkaConnection connection(Map<String, String> props) {
    return KafkaConnection.fromConfig(props.keySet(), n -> Optional.ofNullable(props.get(n)));
  }

  @Test
  void theTopicCheckAndThePolicyConsumerWorkThroughTheTlsListener() throws Exception {
    KafkaConnection kafka = connection(deployed);
    assertThat(kafka.security()).containsEntry("security.protocol", "SSL").doesNotContainKey("auto.offset.reset");
    TopicInitializer.ensure(KafkaClients.admin(kafka, "run-1", 0), Topics.ROLLOUTS, Topics.POLICY, true, (short) 1);

    try (Admin plain = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
      Map<String, TopicDescription> made = plain.describeTopics(List.of(Topics.ROLLOUTS, Topics.POLICY)).allTopicNames()
          .get(30, TimeUnit.SECONDS);
      assertThat(made.get(Topics.ROLLOUTS).partitions()).hasSize(TopicTable.get(Topics.ROLLOUTS).partitions());
      assertThat(made.get(Topics.POLICY).partitions()).hasSize(TopicTable.get(Topics.POLICY).partitions());
    }
    // Checking again (creation off, the deployed setting) finds them, through TLS as well.
    TopicInitializer.ensure(KafkaClients.admin(kafka, "run-1", 0), Topics.ROLLOUTS, Topics.POLICY, false, (short) 1);

    Map<String, Object> consumer = new LinkedHashMap<>(KafkaClients.consumer(kafka, "run-1", 0, Map.of()));
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      assertThat(c.partitionsFor(Topics.POLICY, Duration.ofSeconds(30))).hasSize(TopicTable.get(Topics.POLICY).partitions());
    }
  }

  @Test
  void withoutTheSecuritySettingsTheTopicCheckFails() {
    // The Admin as it was before: the bootstrap address alone, against the TLS listener.
    KafkaConnection bare = KafkaConnection.plain("127.0.0.1:" + tlsPort);
    assertThatThrownBy(() -> TopicInitializer.ensure(KafkaClients.admin(bare, "run-1", 0), "otc.rollouts.v1.bare",
        Topics.POLICY, true, (short) 1))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("could not check or create the rollout topics");
  }

  private static void keytool(Path cwd, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
